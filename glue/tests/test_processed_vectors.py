"""The processed-record vectors (generated from src/text by test/helpers/processed-vectors.ts)
against the Glue job's Python port: every document under every option set, with and without PII
redaction, and the word -> stem tables of both stemmers."""

import json
import os

import pytest

import nlp_pii
import nlp_sentiment
import nlp_stem
import nlp_text

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "..", "test", "fixtures", "processed-record-vectors.json"), encoding="utf-8") as _handle:
    VECTORS = json.load(_handle)

RULES_DATA = nlp_text.load_rules_data()
RULES = nlp_text.compile_rules(RULES_DATA)
SENTIMENT = nlp_sentiment.load_sentiment_data()


def test_there_are_enough_vectors():
    assert len(VECTORS["documents"]) >= 300
    assert len(VECTORS["stems"]["en"]) >= 1000 and len(VECTORS["stems"]["es"]) >= 500


@pytest.mark.parametrize("doc", VECTORS["documents"], ids=[d["name"] for d in VECTORS["documents"]])
def test_document(doc):
    got = nlp_text.process_document(doc["title"], doc["body"], RULES, RULES_DATA, SENTIMENT, doc["options"], doc["redactPii"])
    assert got == doc["expected"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_stems(language):
    wrong = {w: (nlp_stem.stem_token(w, language), s) for w, s in VECTORS["stems"][language].items() if nlp_stem.stem_token(w, language) != s}
    assert wrong == {}


def test_pii():
    patterns = nlp_pii.patterns_for(RULES, RULES_DATA["charClasses"])
    for case in VECTORS["pii"]:
        assert nlp_pii.redact_pii(case["text"], patterns) == case["expected"], case["text"]


def test_compound_rounds_like_javascript_to_fixed():
    # Exact binary ties at the fifth decimal: Number.prototype.toFixed(4) rounds them away from zero
    # (node: 0.03125 -> "0.0313", -0.03125 -> "-0.0313", 0.40625 -> "0.4063"); Python's round() would
    # give 0.0312, -0.0312 and 0.4062.
    assert [nlp_sentiment.to_fixed4(x) for x in (0.03125, -0.03125, 0.40625, 0.12345)] == [0.0313, -0.0313, 0.4063, 0.1235]
