"""Sentiment and language for the Glue job: a Python port of src/text/sentiment (VADER as the
`vader-sentiment` 1.1.3 package scores it, with src/text's lower-cased word comparisons; the
Spanish lexicon scorer) and of src/text/language.ts. The lexicons and markers come from
sentiment_data.json, generated from src/text (src/jobs/glue-sentiment-data.ts), so there is one
copy of the data; test/fixtures/processed-record-vectors.json checks the rules.

JavaScript details kept: whitespace is JavaScript's \\s; ALL-CAPS and punctuation are ASCII-only
tests; the compound is rounded like Number.prototype.toFixed(4) (half away from zero on the exact
binary value), not like Python's round().

Pure standard library.
"""

from __future__ import annotations

import json
import math
import os
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from nlp_stem import stem_token

DATA_FILE = "sentiment_data.json"
JS_WHITESPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WHITESPACE = re.compile("[" + JS_WHITESPACE + "]+")

BOOST_UP = 0.293
BOOST_DOWN = -0.293
CAPS_BOOST = 0.733
NEGATION_SCALAR = -0.74
NORMALISATION_ALPHA = 15

NEGATIONS = frozenset(
    """aint arent cannot cant couldnt darent didnt doesnt dont hadnt hasnt havent isnt mightnt mustnt neednt oughtnt shant
    shouldnt wasnt werent wont wouldnt ain't aren't can't couldn't daren't didn't doesn't don't hadn't hasn't haven't isn't
    mightn't mustn't needn't oughtn't shan't shouldn't wasn't weren't won't wouldn't neither never none nope nor not nothing
    nowhere uhuh uh-uh without rarely seldom despite""".split()
)
INTENSIFIERS = """absolutely amazingly awfully completely considerably decidedly deeply effing enormously entirely especially
    exceptionally extremely fabulously flipping flippin fricking frickin frigging friggin fully fucking greatly hella highly hugely
    incredibly intensely majorly more most particularly purely quite really remarkably so substantially thoroughly totally
    tremendously uber unbelievably unusually utterly very""".split()
DAMPENERS = [
    "almost", "barely", "hardly", "just enough", "kind of", "kinda", "kindof", "kind-of", "less", "little", "marginally",
    "occasionally", "partly", "scarcely", "slightly", "somewhat", "sort of", "sorta", "sortof", "sort-of",
]
BOOSTERS: Dict[str, float] = {**{w: BOOST_UP for w in INTENSIFIERS}, **{w: BOOST_DOWN for w in DAMPENERS}}
IDIOMS: Dict[str, float] = {
    "the shit": 3, "the bomb": 3, "bad ass": 1.5, "yeah right": -2, "cut the mustard": 2, "kiss of death": -1.5, "hand to mouth": -2,
}
EDGE_MARKS = frozenset([".", "!", "?", ",", ";", ":", "-", "'", '"', "!!", "!!!", "??", "???", "?!?", "!?!", "?!?!", "!?!?"])
ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
PHRASE_WORDS = frozenset(w for p in list(IDIOMS) + list(BOOSTERS) if " " in p for w in p.split(" "))

SPANISH_NEGATIONS = frozenset(["no", "ni", "nunca", "jamás", "jamas", "tampoco", "sin"])
SPANISH_INTENSIFIERS = frozenset(
    "muy mucho mucha muchos muchas muchísimo bastante demasiado sumamente realmente extremadamente increíblemente totalmente súper super tan tremendamente".split()
)
SPANISH_DAMPENERS = frozenset(["poco", "apenas", "algo", "casi", "ligeramente"])


class SentimentData:
    def __init__(self, data: Dict[str, Any]):
        self.vader: Dict[str, float] = data["vaderLexicon"]
        self.spanish: Dict[str, float] = data["spanishLexicon"]
        self.markers: Dict[str, frozenset] = {k: frozenset(v) for k, v in data["languageMarkers"].items()}
        self.other_markers = frozenset(data["otherMarkers"])
        self.latin = _range_set(data["latinLetters"])
        self.min_words_for_other: int = data["minWordsForOther"]


def _range_set(ranges: Sequence[Sequence[int]]) -> frozenset:
    out = set()
    for a, b in ranges:
        out.update(range(a, b + 1))
    return frozenset(out)


def data_path(search: Optional[Iterable[str]] = None) -> str:
    """sentiment_data.json next to this module, else in the working directory (Glue --extra-files)."""
    candidates = list(search) if search is not None else [os.path.dirname(os.path.abspath(__file__)), os.getcwd()]
    for folder in candidates:
        path = os.path.join(folder, DATA_FILE)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError("%s not found in %s" % (DATA_FILE, ", ".join(candidates)))


_loaded: Dict[str, SentimentData] = {}


def load_sentiment_data(path: Optional[str] = None) -> SentimentData:
    """Once per process and file: Spark reuses its Python workers across tasks."""
    resolved = path or data_path()
    data = _loaded.get(resolved)
    if data is None:
        with open(resolved, encoding="utf-8") as handle:
            data = _loaded[resolved] = SentimentData(json.load(handle))
    return data


def to_fixed4(x: float) -> float:
    """parseFloat(x.toFixed(4))."""
    return float(Decimal(x).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def normalise_valence(total: float, alpha: float = NORMALISATION_ALPHA) -> float:
    score = total / math.sqrt(total * total + alpha)
    return max(-1.0, min(1.0, score))


def sentiment_label(compound: float) -> str:
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"


# --- VADER --------------------------------------------------------------------------------------


def _is_punctuation(ch: str) -> bool:
    return ch in ASCII_PUNCTUATION


def _trim_edge_mark(token: str) -> str:
    start = 0
    while start < len(token) and _is_punctuation(token[start]):
        start += 1
    if start == len(token):
        return token
    end = len(token)
    while end > start and _is_punctuation(token[end - 1]):
        end -= 1
    if start > 0 and end < len(token):
        return token
    if start > 0:
        rest = token[start:]
        return rest if len(token) - start > 1 and token[:start] in EDGE_MARKS and not any(_is_punctuation(c) for c in rest) else token
    if end < len(token):
        head = token[:end]
        return head if end > 1 and token[end:] in EDGE_MARKS and not any(_is_punctuation(c) for c in head) else token
    return token


def _js_lower(text: str) -> str:
    return text.lower()


def _words_and_emoticons(text: str) -> Tuple[List[str], List[str]]:
    lower_text = _js_lower(text)
    if "’" in lower_text or "ʼ" in lower_text:
        lower_text = lower_text.replace("’", "'").replace("ʼ", "'")
    raw = _WHITESPACE.split(text)
    raw_lower = _WHITESPACE.split(lower_text)
    words: List[str] = []
    lower: List[str] = []
    for i, word in enumerate(raw):
        if _js_length(word) <= 1:
            continue
        words.append(_trim_edge_mark(word))
        lower.append(_trim_edge_mark(raw_lower[i]))
    return words, lower


def _js_length(text: str) -> int:
    """String.prototype.length: UTF-16 code units."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _is_all_caps(word: str) -> bool:
    capitals = 0
    for c in word:
        if "a" <= c <= "z":
            return False
        if "A" <= c <= "Z":
            capitals += 1
    return capitals > 0


def _is_negation(lower_word: str) -> bool:
    return lower_word in NEGATIONS or "n't" in lower_word


def _booster_scalar(word: str, lower_word: str, valence: float, caps_differ: bool) -> float:
    scalar = BOOSTERS.get(lower_word)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar = -scalar
    if caps_differ and _is_all_caps(word):
        scalar += CAPS_BOOST if valence > 0 else -CAPS_BOOST
    return scalar


def _at(words: Sequence[str], i: int) -> Optional[str]:
    """JavaScript's array[i]: undefined outside the array (Python would wrap negative indexes)."""
    return words[i] if 0 <= i < len(words) else None


def _js(value: Optional[str]) -> str:
    return "undefined" if value is None else value


def _negation_check(valence: float, lower: Sequence[str], distance: int, i: int) -> float:
    def so_or_this(w: Optional[str]) -> bool:
        return w == "so" or w == "this"

    if distance == 0:
        return valence * NEGATION_SCALAR if _is_negation(_js(_at(lower, i - 1))) else valence
    if distance == 1:
        if _at(lower, i - 2) == "never" and so_or_this(_at(lower, i - 1)):
            return valence * 1.5
        return valence * NEGATION_SCALAR if _is_negation(_js(_at(lower, i - 2))) else valence
    if (_at(lower, i - 3) == "never" and so_or_this(_at(lower, i - 2))) or so_or_this(_at(lower, i - 1)):
        return valence * 1.25
    return valence * NEGATION_SCALAR if _is_negation(_js(_at(lower, i - 3))) else valence


def _idiom_check(valence: float, lower: Sequence[str], i: int) -> float:
    near = lower[max(0, i - 3) : i + 3]
    if not any(w in PHRASE_WORDS for w in near):
        return valence
    w0, w1, w2, w3 = (_js(_at(lower, i - k)) for k in range(4))
    two_one = "%s %s" % (w2, w1)
    three_two = "%s %s" % (w3, w2)
    for sequence in ("%s %s" % (w1, w0), "%s %s %s" % (w2, w1, w0), two_one, "%s %s %s" % (w3, w2, w1), three_two):
        idiom = IDIOMS.get(sequence)
        if idiom is not None:
            valence = idiom
            break
    if len(lower) - 1 > i:
        valence = IDIOMS.get("%s %s" % (w0, lower[i + 1]), valence)
    if len(lower) - 1 > i + 1:
        valence = IDIOMS.get("%s %s %s" % (w0, lower[i + 1], lower[i + 2]), valence)
    if three_two in BOOSTERS or two_one in BOOSTERS:
        valence += BOOST_DOWN
    return valence


def _least_check(valence: float, lower: Sequence[str], i: int, lexicon: Dict[str, float]) -> float:
    if i == 0 or lower[i - 1] != "least" or "least" in lexicon:
        return valence
    if i > 1 and (lower[i - 2] == "at" or lower[i - 2] == "very"):
        return valence
    return valence * NEGATION_SCALAR


def _word_valence(words: Sequence[str], lower: Sequence[str], i: int, caps_differ: bool, lexicon: Dict[str, float]) -> float:
    valence = lexicon.get(lower[i])
    if valence is None:
        return 0.0
    if caps_differ and _is_all_caps(words[i]):
        valence += CAPS_BOOST if valence > 0 else -CAPS_BOOST
    for distance in range(3):
        j = i - distance - 1
        if j < 0 or lower[j] in lexicon:
            continue
        scalar = _booster_scalar(words[j], lower[j], valence, caps_differ)
        if distance == 1:
            scalar *= 0.95
        elif distance == 2:
            scalar *= 0.9
        valence = _negation_check(valence + scalar, lower, distance, i)
        if distance == 2:
            valence = _idiom_check(valence, lower, i)
    return _least_check(valence, lower, i, lexicon)


def _punctuation_emphasis(text: str) -> float:
    exclamations = min(text.count("!"), 4)
    questions = text.count("?")
    question_boost = 0 if questions <= 1 else questions * 0.18 if questions <= 3 else 0.96
    return exclamations * 0.292 + question_boost


def vader_compound(text: str, data: SentimentData) -> float:
    lexicon = data.vader
    words, lower = _words_and_emoticons(text)
    n = len(words)
    if n == 0:
        return 0.0
    capitals = sum(1 for w in words if _is_all_caps(w))
    caps_differ = 0 < capitals < n
    valences = [0.0] * n
    for i in range(n):
        is_kind_of = lower[i] == "kind" and i < n - 1 and lower[i + 1] == "of"
        if not is_kind_of and lower[i] not in BOOSTERS:
            valences[i] = _word_valence(words, lower, i, caps_differ, lexicon)
    but = lower.index("but") if "but" in lower else -1
    total = 0.0
    for i in range(n):
        weight = 1 if but == -1 or i == but else 0.5 if i < but else 1.5
        total += valences[i] * weight
    if total == 0:
        return 0.0
    emphasis = _punctuation_emphasis(text)
    total += emphasis if total > 0 else -emphasis
    return to_fixed4(normalise_valence(total))


# --- Spanish ------------------------------------------------------------------------------------


def spanish_compound(tokens: Sequence[str], data: SentimentData) -> float:
    table = data.spanish
    total = 0.0
    for i, token in enumerate(tokens):
        valence = table.get(stem_token(token, "es"))
        if valence is None or valence == 0:
            continue
        for j in range(max(0, i - 3), i):
            previous = tokens[j]
            if previous in SPANISH_INTENSIFIERS:
                valence += BOOST_UP if valence > 0 else -BOOST_UP
            elif previous in SPANISH_DAMPENERS:
                valence -= BOOST_UP if valence > 0 else -BOOST_UP
        for j in range(max(0, i - 3), i):
            if tokens[j] in SPANISH_NEGATIONS:
                valence *= NEGATION_SCALAR
                break
        total += valence
    return 0.0 if total == 0 else to_fixed4(normalise_valence(total))


# --- Language -----------------------------------------------------------------------------------


def identify_language(tokens: Sequence[str], data: SentimentData, letters: "re.Pattern[str]") -> str:
    """src/text/language.ts identifyLanguage: en, es, other or unknown. `letters` matches one
    \\p{L} character (the TextRules letter class)."""
    en = es = other = words = non_latin = 0
    for token in tokens:
        if token in data.markers["en"]:
            en += 1
        elif token in data.markers["es"]:
            es += 1
        elif token in data.other_markers:
            other += 1
        letter = letters.search(token)
        if letter is None:
            continue
        words += 1
        if ord(letter.group(0)) not in data.latin:
            non_latin += 1
    if words == 0:
        return "unknown"
    if non_latin * 2 > words:
        return "other"
    if other >= 2 and other > max(en, es):
        return "other"
    if en > es * 1.5 and en >= 2:
        return "en"
    if es > en * 1.5 and es >= 2:
        return "es"
    return "other" if words >= data.min_words_for_other else "unknown"


def detect_language(tokens: Sequence[str], fallback: str, data: SentimentData, letters: "re.Pattern[str]") -> str:
    """The language to process a document as: the identified one when supported, else `fallback`."""
    identified = identify_language(tokens, data, letters)
    return identified if identified in ("en", "es") else fallback
