/** The named entities common in mail and web text; anything else becomes a space. */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  aacute: 'á',
  eacute: 'é',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  yacute: 'ý',
  agrave: 'à',
  egrave: 'è',
  igrave: 'ì',
  ograve: 'ò',
  ugrave: 'ù',
  acirc: 'â',
  ecirc: 'ê',
  icirc: 'î',
  ocirc: 'ô',
  ucirc: 'û',
  auml: 'ä',
  euml: 'ë',
  iuml: 'ï',
  ouml: 'ö',
  uuml: 'ü',
  yuml: 'ÿ',
  atilde: 'ã',
  otilde: 'õ',
  ntilde: 'ñ',
  ccedil: 'ç',
  aring: 'å',
  aelig: 'æ',
  oslash: 'ø',
  szlig: 'ß',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  iexcl: '¡',
  iquest: '¿',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g;

function decodeOne(_match: string, decimal?: string, hex?: string, name?: string): string {
  if (name !== undefined) {
    return NAMED[name] ?? NAMED[name.toLowerCase()] ?? ' ';
  }
  const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex as string, 16);
  // Surrogates and out-of-range code points cannot be rendered; treat them like markup.
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) return ' ';
  return String.fromCodePoint(code);
}

export function decodeHtmlEntities(text: string): string {
  return text.includes('&') ? text.replace(ENTITY, decodeOne) : text;
}
