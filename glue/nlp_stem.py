"""Stemming for the Glue job: a Python port of src/text/stem.ts and of the two stemmers it uses from
`natural` 8.1.1 (lib/natural/stemmers/porter_stemmer.js and porter_stemmer_es.js), quirks included,
so the Glue job's `stems` equal the in-worker ones (test/fixtures/processed-record-vectors.json).

JavaScript details kept on purpose: `measure('')` is -1 like `measure(null)`; a replacement that
yields '' counts as "no replacement" (JavaScript's falsy empty string); the Spanish accent removal
replaces only the first occurrence of each accented vowel (String.prototype.replace with a string).

Pure standard library.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

MAX_STEMMABLE_LENGTH = 30
_DIGIT = re.compile(r"[0-9]")

# --- English: natural's PorterStemmer --------------------------------------------------------

_CV_Y = re.compile(r"[^aeiouy]+y")
_V_RUN = re.compile(r"[aeiou]+")
_NOT_V_RUN = re.compile(r"[^V]+")


def _categorize_groups(token: str) -> str:
    return _NOT_V_RUN.sub("C", _V_RUN.sub("V", _CV_Y.sub("CV", token)))


def _categorize_chars(token: str) -> str:
    return re.sub(r"[^V]", "C", re.sub(r"[aeiou]", "V", re.sub(r"[^aeiouy]y", "CV", token)))


def _measure(token: Optional[str]) -> float:
    if not token:
        return -1
    groups = _categorize_groups(token)
    groups = re.sub(r"^C", "", groups, count=1)
    groups = re.sub(r"V\Z", "", groups, count=1)
    return len(groups) / 2


def _ends_with_double_consonant(token: str) -> bool:
    return re.search(r"([^aeiou])\1\Z", token) is not None


def _attempt_replace(token: str, pattern, replacement: str, callback: Optional[Callable[[str], Optional[str]]] = None) -> Optional[str]:
    result: Optional[str] = None
    if isinstance(pattern, str):
        if token.endswith(pattern) and len(token) >= len(pattern):
            result = token[: len(token) - len(pattern)] + replacement
    elif pattern.search(token):
        result = pattern.sub(replacement, token, count=1)
    if result and callback:
        return callback(result)
    return result


def _attempt_replace_patterns(token: str, replacements: Sequence[Tuple[str, str, str]], measure_threshold: Optional[float]) -> str:
    replacement = token
    for pattern, probe, final in replacements:
        if measure_threshold is None or _measure(_attempt_replace(token, pattern, probe)) > measure_threshold:
            replacement = _attempt_replace(replacement, pattern, final) or replacement
    return replacement


def _replace_patterns(token: str, replacements: Sequence[Tuple[str, str, str]], measure_threshold: Optional[float]) -> str:
    return _attempt_replace_patterns(token, replacements, measure_threshold) or token


def _replace_regex(token: str, regex, include_parts: Sequence[int], minimum_measure: float) -> Optional[str]:
    result = ""
    match = regex.search(token)
    if match:
        result = "".join(match.group(i) for i in include_parts)
    if _measure(result) > minimum_measure:
        return result
    return None


def _step1a(token: str) -> str:
    if re.search(r"(ss|i)es\Z", token):
        return re.sub(r"(ss|i)es\Z", r"\1", token, count=1)
    if token[-1:] == "s" and token[-2:-1] != "s" and len(token) > 2:
        return re.sub(r"s?\Z", "", token, count=1)
    return token


def _step1b(token: str) -> str:
    if token[-3:] == "eed":
        if _measure(token[: len(token) - 3]) > 0:
            return re.sub(r"eed\Z", "ee", token, count=1)
        return token

    def after(stripped: str) -> Optional[str]:
        if "V" in _categorize_groups(stripped):
            result = _attempt_replace_patterns(stripped, [("at", "", "ate"), ("bl", "", "ble"), ("iz", "", "ize")], None)
            if result != stripped:
                return result
            if _ends_with_double_consonant(stripped) and re.search(r"[^lsz]\Z", stripped):
                return re.sub(r"([^aeiou])\1\Z", r"\1", stripped, count=1)
            if _measure(stripped) == 1 and _categorize_chars(stripped)[-3:] == "CVC" and re.search(r"[^wxy]\Z", stripped):
                return stripped + "e"
            return stripped
        return None

    result = _attempt_replace(token, re.compile(r"(ed|ing)\Z"), "", after)
    return result if result else token


def _step1c(token: str) -> str:
    groups = _categorize_groups(token)
    if token[-1:] == "y" and "V" in groups[: len(groups) - 1]:
        return re.sub(r"y\Z", "i", token, count=1)
    return token


_STEP2 = [
    ("ational", "", "ate"), ("tional", "", "tion"), ("enci", "", "ence"), ("anci", "", "ance"), ("izer", "", "ize"),
    ("abli", "", "able"), ("bli", "", "ble"), ("alli", "", "al"), ("entli", "", "ent"), ("eli", "", "e"),
    ("ousli", "", "ous"), ("ization", "", "ize"), ("ation", "", "ate"), ("ator", "", "ate"), ("alism", "", "al"),
    ("iveness", "", "ive"), ("fulness", "", "ful"), ("ousness", "", "ous"), ("aliti", "", "al"),
    ("iviti", "", "ive"), ("biliti", "", "ble"), ("logi", "", "log"),
]
_STEP3 = [("icate", "", "ic"), ("ative", "", ""), ("alize", "", "al"), ("iciti", "", "ic"), ("ical", "", "ic"), ("ful", "", ""), ("ness", "", "")]
_STEP4_A = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)\Z")
_STEP4_B = re.compile(r"^(.+?)(s|t)(ion)\Z")


def _step4(token: str) -> str:
    return _replace_regex(token, _STEP4_A, [1], 1) or _replace_regex(token, _STEP4_B, [1, 2], 1) or token


def _step5a(token: str) -> str:
    m = _measure(re.sub(r"e\Z", "", token, count=1))
    chars = _categorize_chars(token)
    # JavaScript substr(-4, 3) on a short string starts at 0.
    window = chars[max(0, len(chars) - 4) : max(0, len(chars) - 4) + 3]
    if m > 1 or (m == 1 and not (window == "CVC" and re.search(r"[^wxy].\Z", token))):
        token = re.sub(r"e\Z", "", token, count=1)
    return token


def _step5b(token: str) -> str:
    if _measure(token) > 1:
        return re.sub(r"ll\Z", "l", token, count=1)
    return token


def porter_en(token: str) -> str:
    if len(token) < 3:
        return token
    token = token.lower()
    token = _step1a(token)
    token = _step1b(token)
    token = _step1c(token)
    token = _replace_patterns(token, _STEP2, 0)
    token = _replace_patterns(token, _STEP3, 0)
    token = _step4(token)
    return _step5b(_step5a(token))


# --- Spanish: natural's PorterStemmer (es), a Snowball port -----------------------------------

_VOWELS_ES = set("aeiouáéíóúAEIOUÁÉÍÓÚ")


def _is_vowel(c: str) -> bool:
    return c in _VOWELS_ES


def _next_vowel(word: str, start: int) -> int:
    for position in range(start, len(word)):
        if _is_vowel(word[position]):
            return position
    return len(word)


def _next_consonant(word: str, start: int) -> int:
    for position in range(start, len(word)):
        if not _is_vowel(word[position]):
            return position
    return len(word)


def _ends_in_arr(word: str, suffixes: Sequence[str]) -> str:
    longest = ""
    for suffix in suffixes:
        if len(word) >= len(suffix) and word.endswith(suffix) and len(suffix) > len(longest):
            longest = suffix
    return longest


def _remove_accent(word: str) -> str:
    for accented, plain in zip("áéíóú", "aeiou"):
        word = word.replace(accented, plain, 1)
    return word


_PRONOUNS = ["me", "se", "sela", "selo", "selas", "selos", "la", "le", "lo", "las", "les", "los", "nos"]
_PRE1 = ["iéndo", "ándo", "ár", "ér", "ír"]
_PRE2 = ["iendo", "ando", "ar", "er", "ir"]
_STEP1_GROUPS: List[Tuple[str, Sequence[str], str]] = [
    ("r2", ["anza", "anzas", "ico", "ica", "icos", "icas", "ismo", "ismos", "able", "ables", "ible", "ibles", "ista", "istas", "oso", "osa",
            "osos", "osas", "amiento", "amientos", "imiento", "imientos"], ""),
    ("r2", ["icadora", "icador", "icación", "icadoras", "icadores", "icaciones", "icante", "icantes", "icancia", "icancias", "adora", "ador",
            "ación", "adoras", "adores", "aciones", "ante", "antes", "ancia", "ancias"], ""),
    ("r2", ["logía", "logías"], "log"),
    ("r2", ["ución", "uciones"], "u"),
    ("r2", ["encia", "encias"], "ente"),
    ("r2", ["ativamente", "ivamente", "osamente", "icamente", "adamente"], ""),
    ("r1", ["amente"], ""),
    ("r2", ["antemente", "ablemente", "iblemente", "mente"], ""),
    ("r2", ["abilidad", "abilidades", "icidad", "icidades", "ividad", "ividades", "idad", "idades"], ""),
    ("r2", ["ativa", "ativo", "ativas", "ativos", "iva", "ivo", "ivas", "ivos"], ""),
]
_STEP2A = ["ya", "ye", "yan", "yen", "yeron", "yendo", "yo", "yó", "yas", "yes", "yais", "yamos"]
_STEP2B = [
    "arían", "arías", "arán", "arás", "aríais", "aría", "aréis", "aríamos", "aremos", "ará", "aré", "erían", "erías", "erán",
    "erás", "eríais", "ería", "eréis", "eríamos", "eremos", "erá", "eré", "irían", "irías", "irán", "irás", "iríais", "iría", "iréis",
    "iríamos", "iremos", "irá", "iré", "aba", "ada", "ida", "ía", "ara", "iera", "ad", "ed", "id", "ase", "iese", "aste", "iste", "an",
    "aban", "ían", "aran", "ieran", "asen", "iesen", "aron", "ieron", "ado", "ido", "ando", "iendo", "ió", "ar", "er", "ir", "as", "abas",
    "adas", "idas", "ías", "aras", "ieras", "ases", "ieses", "ís", "áis", "abais", "íais", "arais", "ierais", "  aseis", "ieseis", "asteis",
    "isteis", "ados", "idos", "amos", "ábamos", "íamos", "imos", "áramos", "iéramos", "iésemos", "ásemos",
]


def porter_es(word: str) -> str:
    length = len(word)
    if length < 2:
        return _remove_accent(word)
    r1 = r2 = rv = length
    for i in range(length - 1):
        if _is_vowel(word[i]) and not _is_vowel(word[i + 1]):
            r1 = i + 2
            break
    for i in range(r1, length - 1):
        if _is_vowel(word[i]) and not _is_vowel(word[i + 1]):
            r2 = i + 2
            break
    if length > 3:
        if not _is_vowel(word[1]):
            rv = _next_vowel(word, 2) + 1
        elif _is_vowel(word[0]) and _is_vowel(word[1]):
            rv = _next_consonant(word, 2) + 1
        else:
            rv = 3
    r1_text, r2_text, rv_text = word[r1:], word[r2:], word[rv:]
    original = word

    suffix = _ends_in_arr(word, _PRONOUNS)
    if suffix:
        before = rv_text[: len(rv_text) - len(suffix)] if len(suffix) <= len(rv_text) else ""
        if _ends_in_arr(before, _PRE1):
            word = _remove_accent(word[: len(word) - len(suffix)])
        elif _ends_in_arr(before, _PRE2) or word[: len(word) - len(suffix)].endswith("uyendo"):
            word = word[: len(word) - len(suffix)]
    if word != original:
        r1_text, r2_text, rv_text = word[r1:], word[r2:], word[rv:]

    after0 = word
    for region, suffixes, replacement in _STEP1_GROUPS:
        suf = _ends_in_arr(r1_text if region == "r1" else r2_text, suffixes)
        if suf:
            word = word[: len(word) - len(suf)] + replacement
            break
    if word != after0:
        r1_text, r2_text, rv_text = word[r1:], word[r2:], word[rv:]

    after1 = word
    if after0 == after1:
        suf = _ends_in_arr(rv_text, _STEP2A)
        if suf and word[len(word) - len(suf) - 1 : len(word) - len(suf)] == "u":
            word = word[: len(word) - len(suf)]
        if word != after1:
            r1_text, r2_text, rv_text = word[r1:], word[r2:], word[rv:]
        if word == after1:
            suf = _ends_in_arr(rv_text, _STEP2B)
            if suf:
                word = word[: len(word) - len(suf)]
            else:
                suf = _ends_in_arr(rv_text, ["en", "es", "éis", "emos"])
                if suf:
                    word = word[: len(word) - len(suf)]
                    if word.endswith("gu"):
                        word = word[:-1]

    rv_text = word[rv:]
    suf = _ends_in_arr(rv_text, ["os", "a", "o", "á", "í", "ó"])
    if suf:
        word = word[: len(word) - len(suf)]
    elif _ends_in_arr(rv_text, ["e", "é"]):
        word = word[:-1]
        rv_text = word[rv:]
        if rv_text.endswith("u") and word.endswith("gu"):
            word = word[:-1]
    return _remove_accent(word)


_STEMMERS: Dict[str, Callable[[str], str]] = {"en": porter_en, "es": porter_es}
_cache: Dict[Tuple[str, str], str] = {}


def stem_token(token: str, language: str) -> str:
    """src/text/stem.ts: tokens with digits or longer than 30 characters are not words."""
    if len(token) > MAX_STEMMABLE_LENGTH or _DIGIT.search(token):
        return token
    key = (language, token)
    stem = _cache.get(key)
    if stem is None:
        if len(_cache) > 200_000:
            _cache.clear()
        stem = _cache[key] = _STEMMERS[language](token)
    return stem


def stem_tokens(tokens: Sequence[str], language: str) -> List[str]:
    return [stem_token(t, language) for t in tokens]
