"""Every HTML character reference case of test/fixtures/entity-vectors.json, which the TypeScript
decoder (src/text/html-entities.ts, built on the `entities` package) generated, against the port."""

import json
import os

import nlp_text

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "..", "test", "fixtures", "entity-vectors.json"), encoding="utf-8") as _handle:
    VECTORS = json.load(_handle)["vectors"]

RULES = nlp_text.compile_rules(nlp_text.load_rules_data())


def test_every_vector_decodes_as_in_typescript():
    assert len(VECTORS) > 5000
    wrong = [(given, expected, nlp_text.decode_html_entities(given, RULES)) for given, expected in VECTORS]
    wrong = [w for w in wrong if w[1] != w[2]]
    assert wrong == [], "%d of %d differ, e.g. %r" % (len(wrong), len(VECTORS), wrong[:5])


def test_the_tables_are_complete():
    # The WHATWG list: 2,125 names with ";" and 106 legacy names that also work without it.
    assert len([k for k in RULES.entities if k.endswith(";")]) == 2125
    assert len([k for k in RULES.entities if not k.endswith(";")]) == 106


def test_words_are_not_split():
    assert nlp_text.clean_tokens("&Scaron;koda co&shy;operate na&iuml;ve Terms&notice", RULES) == [
        "škoda",
        "cooperate",
        "naïve",
        "terms",
        "notice",
    ]
