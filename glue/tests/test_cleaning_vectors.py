"""The shared vectors (also checked against src/text by mocha) against the Python port."""

import json
import os

import pytest

import nlp_text

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "..", "test", "fixtures", "cleaning-vectors.json"), encoding="utf-8") as _handle:
    VECTORS = json.load(_handle)["vectors"]

RULES = nlp_text.compile_rules(nlp_text.load_rules_data())


def test_there_are_enough_vectors():
    assert len(VECTORS) >= 30


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector(vector):
    got = nlp_text.clean_document(vector["title"], vector["body"], RULES, vector["language"], vector["keepNegations"])
    expected = vector["expected"]
    assert got["text_clean"] == expected["text_clean"]
    assert got["tokens"] == expected["tokens"]
    assert got["tokens_nostop"] == expected["tokens_nostop"]
    assert got["text"] == (vector["title"] + "\n" + vector["body"] if vector["title"] else vector["body"])


def test_stopword_lists_follow_the_negation_option():
    keep = RULES.stopword_set("en", True)
    drop = RULES.stopword_set("en", False)
    assert "not" not in keep and "not" in drop and "dont" in drop
    assert "the" in keep and "the" in drop
    assert "no" not in RULES.stopword_set("es", True) and "no" in RULES.stopword_set("es", False)
    with pytest.raises(ValueError):
        RULES.stopword_set("fr", True)


def test_rules_are_compiled_once_per_content():
    data = nlp_text.load_rules_data()
    assert nlp_text.compile_rules(data) is nlp_text.compile_rules(json.loads(json.dumps(data)))


def test_rules_file_is_found_next_to_the_module_or_in_the_working_directory(tmp_path):
    assert os.path.dirname(nlp_text.rules_path()) == os.path.dirname(nlp_text.__file__)
    (tmp_path / nlp_text.RULES_FILE).write_text("{}")
    assert nlp_text.rules_path([str(tmp_path / "missing"), str(tmp_path)]) == str(tmp_path / nlp_text.RULES_FILE)
    with pytest.raises(FileNotFoundError):
        nlp_text.rules_path([str(tmp_path / "missing")])
