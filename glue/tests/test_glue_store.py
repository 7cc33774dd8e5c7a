import os

import pytest

from glue_store import FsStore, InvalidKeyError, open_store, store_config, validate_key


def test_store_uris():
    assert store_config("s3://bucket/some/prefix/", "http://127.0.0.1:5000") == {
        "kind": "s3",
        "bucket": "bucket",
        "prefix": "some/prefix",
        "endpoint_url": "http://127.0.0.1:5000",
        "sse_kms_key_id": None,
    }
    assert store_config("s3://bucket")["prefix"] == ""
    assert store_config("file:///data/store") == {"kind": "fs", "root": "/data/store"}
    assert store_config("/data/store/") == {"kind": "fs", "root": "/data/store"}
    for bad in ("relative/path", "gs://bucket", "s3://"):
        with pytest.raises(ValueError):
            store_config(bad)


@pytest.mark.parametrize("key", ["", "/abs", "a//b", "a/../b", "./a", "a\\b", "a\nb", "C:/x"])
def test_invalid_keys_are_rejected(key):
    with pytest.raises(InvalidKeyError):
        validate_key(key)


def test_fs_store_round_trip_and_overwrite(tmp_path):
    store = open_store(store_config(str(tmp_path)))
    assert isinstance(store, FsStore)
    store.put("processed/b1/shard-00000.jsonl", b"one\n")
    store.put("processed/b1/shard-00000.jsonl", b"two\n")
    assert store.get("processed/b1/shard-00000.jsonl") == b"two\n"
    # No temporary files are left behind.
    assert os.listdir(tmp_path / "processed" / "b1") == ["shard-00000.jsonl"]
    with pytest.raises(FileNotFoundError):
        store.get("processed/b1/missing.jsonl")
