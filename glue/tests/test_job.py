"""Runs nlp_clean_job with PySpark in local mode, against a folder store and against moto S3."""

import json

import pytest

import nlp_clean_job
import nlp_sentiment
import nlp_text

RULES_DATA = nlp_text.load_rules_data()
RULES = nlp_text.compile_rules(RULES_DATA)
SENTIMENT = nlp_sentiment.load_sentiment_data()
BATCH = "b20240514-glue"


def staged(i, title, body, label="pos"):
    return {"id": "r%d" % i, "source": {"key": "raw/reviews/in.csv", "line": i + 2}, "title": title, "body": body, "label": label}


SHARDS = [
    [
        staged(0, "Great", "I don't regret it! See https://example.com/x"),
        staged(1, "", "<p>Works &amp; looks <b>fine</b></p> — mail me@example.com", None),
    ],
    # Blank lines and CRLF, as a hand-edited or Windows-made file could have.
    [staged(2, "Mal", "No me gustó, jamás.", "neg"), staged(3, "ÉTÉ", "crème\tbrûlée")],
    [staged(4, "", "")],
]


def expand_record(line):
    """A v2 processed line back to the data dictionary's lists (as src/pipeline/processed-line.ts reads it)."""
    record = {k: v for k, v in line.items() if k not in ("v", "kept")}
    tokens = line["text_clean"].split(" ") if line["text_clean"] else []
    assert len(line["kept"]) == len(tokens)
    record["tokens"] = tokens
    record["tokens_nostop"] = [t for t, mark in zip(tokens, line["kept"]) if mark == "1"]
    record["stems"] = line["stems"].split(" ") if line["stems"] else []
    return record


def test_compact_record_folds_the_lists_and_keeps_what_would_not_fold_back():
    full = nlp_text.process_document("Great", "I don't regret it! See you", RULES, RULES_DATA, SENTIMENT, {"language": "en"}, False)
    record = {"id": "r1", "source": None, "label": None, **full}
    line = nlp_clean_job.compact_record(record)
    assert line["v"] == 2 and "tokens" not in line and "tokens_nostop" not in line
    assert expand_record(line) == record
    for odd in (
        {**record, "tokens": ["a b", "c"], "text_clean": "a b c", "tokens_nostop": ["c"], "stems": ["c"]},
        {**record, "tokens": [""], "text_clean": "", "tokens_nostop": [], "stems": []},
        {**record, "tokens_nostop": list(reversed(record["tokens_nostop"])), "stems": list(reversed(record["stems"]))},
    ):
        assert nlp_clean_job.compact_record(odd) is odd


def jsonl(records, crlf=False):
    end = "\r\n" if crlf else "\n"
    return ("\n" + end.join(json.dumps(r, ensure_ascii=False) for r in records) + end).encode("utf-8")


def etl_spec(n, language="en"):
    return {
        "kind": "etl",
        "batchId": BATCH,
        "inputKeys": ["staged/%s/shard-%05d.jsonl" % (BATCH, i) for i in range(n)],
        "outputKeys": ["processed/%s/shard-%05d.jsonl" % (BATCH, i) for i in range(n)],
        "textOptions": {"language": language, "keepNegations": True, "stem": True},
    }


def seed(put, spec):
    put("jobs/%s/etl.json" % BATCH, json.dumps(spec).encode("utf-8"))
    for i, key in enumerate(spec["inputKeys"]):
        put(key, jsonl(SHARDS[i], crlf=(i == 1)))


def check_outputs(get, spec):
    for i, key in enumerate(spec["outputKeys"]):
        lines = get(key).decode("utf-8").splitlines()
        lines_read = [json.loads(line) for line in lines]
        assert all(line["v"] == 2 and "tokens" not in line for line in lines_read), "compact v2 lines"
        records = [expand_record(line) for line in lines_read]
        assert [r["id"] for r in records] == [r["id"] for r in SHARDS[i]], "one output per input, same order"
        for record, row in zip(records, SHARDS[i]):
            expected = nlp_text.process_document(row["title"], row["body"], RULES, RULES_DATA, SENTIMENT, spec["textOptions"], spec.get("redactPii", False))
            assert record == {"id": row["id"], "source": row["source"], "label": row["label"], **expected}
            # The whole data dictionary, and never the raw text.
            assert set(record) == {"id", "source", "label", "text_clean", "tokens", "tokens_nostop", "stems", "sentiment", "language"}


def test_cleans_every_shard_into_its_own_output_in_a_folder_store(spark, tmp_path):
    spec = etl_spec(3)

    def put(key, body):
        path = tmp_path / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)

    seed(put, spec)
    argv = ["nlp_clean_job.py", "--JOB_NAME", "nlp-clean", "--spec_key", "jobs/%s/etl.json" % BATCH, "--store_uri", "file://%s" % tmp_path]
    results = nlp_clean_job.main(argv, spark=spark)
    assert results == [
        {"index": 0, "outputKey": spec["outputKeys"][0], "rows": 2},
        {"index": 1, "outputKey": spec["outputKeys"][1], "rows": 2},
        {"index": 2, "outputKey": spec["outputKeys"][2], "rows": 1},
    ]
    check_outputs(lambda key: (tmp_path / key).read_bytes(), spec)
    first = json.loads((tmp_path / spec["outputKeys"][0]).read_text(encoding="utf-8").splitlines()[0])
    assert first["text_clean"] == "great i dont regret it see"
    assert first["kept"] == "101100"  # "see" is an English stopword
    assert expand_record(first)["tokens_nostop"] == ["great", "dont", "regret"]

    # A rerun (Glue retry) overwrites the same objects instead of adding any.
    nlp_clean_job.main(argv, spark=spark)
    assert sorted(p.name for p in (tmp_path / "processed" / BATCH).iterdir()) == ["shard-00000.jsonl", "shard-00001.jsonl", "shard-00002.jsonl"]


def test_honours_the_model_options_and_redacts_pii(spark, tmp_path):
    spec = etl_spec(2, language="es")
    spec["textOptions"]["detectLanguage"] = True
    spec["redactPii"] = True

    def put(key, body):
        path = tmp_path / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)

    seed(put, spec)
    put(spec["inputKeys"][0], jsonl([staged(9, "", "Mail me at john@example.com or call +1 (555) 123-4567, it was not good at all")]))
    nlp_clean_job.main(["job", "--spec_key", "jobs/%s/etl.json" % BATCH, "--store_uri", str(tmp_path)], spark=spark)
    record = json.loads((tmp_path / spec["outputKeys"][0]).read_text(encoding="utf-8").splitlines()[0])
    assert "john" not in json.dumps(record) and "555" not in json.dumps(record)
    assert record["language"] == "en", "detected per document, over the model's es"
    assert record["sentiment"]["label"] == "negative"
    spanish = json.loads((tmp_path / spec["outputKeys"][1]).read_text(encoding="utf-8").splitlines()[0])
    assert spanish["language"] == "es" and spanish["sentiment"]["label"] == "negative"


def test_a_missing_input_shard_is_a_spec_error(spark, tmp_path):
    spec = etl_spec(1)
    (tmp_path / "jobs" / BATCH).mkdir(parents=True)
    (tmp_path / "jobs" / BATCH / "etl.json").write_text(json.dumps(spec))
    with pytest.raises(Exception, match="SpecError"):
        nlp_clean_job.main(["job", "--spec_key", "jobs/%s/etl.json" % BATCH, "--store_uri", str(tmp_path)], spark=spark)


def test_a_bad_spec_fails_before_any_spark_work(spark, tmp_path):
    spec = etl_spec(2)
    spec["outputKeys"] = spec["outputKeys"][:1]
    (tmp_path / "jobs" / BATCH).mkdir(parents=True)
    (tmp_path / "jobs" / BATCH / "etl.json").write_text(json.dumps(spec))
    with pytest.raises(nlp_clean_job.SpecError, match="differ in length"):
        nlp_clean_job.main(["job", "--spec_key", "jobs/%s/etl.json" % BATCH, "--store_uri", str(tmp_path)], spark=spark)


def test_reads_and_writes_s3_through_boto3(spark):
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = "http://%s:%d" % (host, port)
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        s3.create_bucket(Bucket="nlp-store")
        prefix = "env/dev/"
        spec = etl_spec(2)
        seed(lambda key, body: s3.put_object(Bucket="nlp-store", Key=prefix + key, Body=body), spec)
        argv = [
            "nlp_clean_job.py",
            "--spec_key", "jobs/%s/etl.json" % BATCH,
            "--store_uri", "s3://nlp-store/env/dev",
            "--aws_endpoint_url", endpoint,
        ]
        results = nlp_clean_job.main(argv, spark=spark)
        assert [r["rows"] for r in results] == [2, 2]
        check_outputs(lambda key: s3.get_object(Bucket="nlp-store", Key=prefix + key)["Body"].read(), spec)
        head = s3.head_object(Bucket="nlp-store", Key=prefix + spec["outputKeys"][0])
        assert head["ContentType"] == "application/x-ndjson"
    finally:
        server.stop()


def test_runs_as_a_glue_script(tmp_path):
    """As Glue runs it: the file is __main__ (Spark pickles its functions by value) in a fresh JVM."""
    import os
    import subprocess
    import sys

    spec = etl_spec(1)

    def put(key, body):
        path = tmp_path / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)

    seed(put, spec)
    script = os.path.join(os.path.dirname(nlp_clean_job.__file__), "nlp_clean_job.py")
    # No web UI and one core: the run only has to prove the script works as __main__; JVM start-up dominates.
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYSPARK_SUBMIT_ARGS="--master local[1] --conf spark.ui.enabled=false pyspark-shell")
    out = subprocess.run(
        [sys.executable, script, "--JOB_NAME", "nlp-clean", "--spec_key", "jobs/%s/etl.json" % BATCH, "--store_uri", "file://%s" % tmp_path],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=str(tmp_path),
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "1 shard(s), 2 row(s) cleaned" in out.stdout
    check_outputs(lambda key: (tmp_path / key).read_bytes(), spec)
