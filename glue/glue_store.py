"""The object store as the Glue job sees it: the same keys as src/storage, on S3 or in a folder.

`--store_uri` is `s3://bucket[/prefix]` on AWS (boto3 ships with Glue) or a folder
(`file:///abs/path` or `/abs/path`) for local runs and tests. A store is rebuilt inside every
Spark task from a small picklable config, since boto3 clients do not travel between processes.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from typing import Any, Dict, Optional
from urllib.parse import unquote, urlparse


class InvalidKeyError(ValueError):
    pass


def validate_key(key: str) -> str:
    """Mirrors validateKey in src/storage/object-store.ts (the keys come from the same spec)."""
    if not isinstance(key, str) or not key:
        raise InvalidKeyError("empty key")
    if len(key.encode("utf-8")) > 1024:
        raise InvalidKeyError("key longer than 1024 bytes: %r" % key[:60])
    if key.startswith("/") or (len(key) > 2 and key[1] == ":" and key[2] in "\\/"):
        raise InvalidKeyError("absolute paths are not keys: %r" % key)
    if "\\" in key or any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        raise InvalidKeyError("backslash or control character in key: %r" % key)
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise InvalidKeyError("empty, '.' or '..' segment in key: %r" % key)
    return key


def store_config(store_uri: str, endpoint_url: Optional[str] = None, sse_kms_key_id: Optional[str] = None) -> Dict[str, Any]:
    parsed = urlparse(store_uri)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError("store URI without a bucket: %r" % store_uri)
        return {
            "kind": "s3",
            "bucket": parsed.netloc,
            "prefix": parsed.path.strip("/"),
            "endpoint_url": endpoint_url,
            "sse_kms_key_id": sse_kms_key_id,
        }
    if parsed.scheme == "file":
        return {"kind": "fs", "root": os.path.abspath(unquote(parsed.path))}
    if parsed.scheme == "" and os.path.isabs(store_uri):
        return {"kind": "fs", "root": os.path.abspath(store_uri)}
    raise ValueError("unsupported store URI %r (expected s3://bucket/prefix, file:///path or /path)" % store_uri)


class FsStore:
    def __init__(self, root: str):
        self.root = root

    def _path(self, key: str) -> str:
        path = os.path.abspath(os.path.join(self.root, validate_key(key)))
        if not path.startswith(self.root + os.sep):
            raise InvalidKeyError("key escapes the store root: %r" % key)
        return path

    def get(self, key: str) -> bytes:
        with open(self._path(key), "rb") as handle:
            return handle.read()

    def put(self, key: str, body: bytes, content_type: str = "application/octet-stream") -> None:
        # Write aside and rename, like FsObjectStore: a reader never sees half a shard, and a
        # retried Spark task simply replaces the earlier attempt's file.
        path = self._path(key)
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".%s." % uuid.uuid4().hex, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise


class S3Store:
    def __init__(self, bucket: str, prefix: str = "", endpoint_url: Optional[str] = None, sse_kms_key_id: Optional[str] = None):
        import boto3  # on Glue, and in the venv through moto; only S3 runs need it

        self.bucket = bucket
        self.prefix = prefix + "/" if prefix else ""
        self.sse_kms_key_id = sse_kms_key_id
        self.client = boto3.client("s3", endpoint_url=endpoint_url) if endpoint_url else boto3.client("s3")

    def get(self, key: str) -> bytes:
        out = self.client.get_object(Bucket=self.bucket, Key=self.prefix + validate_key(key))
        return out["Body"].read()

    def put(self, key: str, body: bytes, content_type: str = "application/octet-stream") -> None:
        extra: Dict[str, Any] = {"ContentType": content_type}
        if self.sse_kms_key_id:
            extra.update(ServerSideEncryption="aws:kms", SSEKMSKeyId=self.sse_kms_key_id)
        # One PutObject: S3 makes it visible atomically, and a retry overwrites it.
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + validate_key(key), Body=body, **extra)


_stores: Dict[str, Any] = {}


def open_store(config: Dict[str, Any]):
    """One store per config and Python process (Spark reuses workers; boto3 clients are costly)."""
    cache_key = repr(sorted(config.items()))
    store = _stores.get(cache_key)
    if store is None:
        if config["kind"] == "s3":
            store = S3Store(config["bucket"], config.get("prefix", ""), config.get("endpoint_url"), config.get("sse_kms_key_id"))
        else:
            store = FsStore(config["root"])
        _stores[cache_key] = store
    return store
