"""AWS Glue (PySpark) job: the ETL stage of ingestBatch.

Arguments (Glue job arguments, `--name value`):
  --spec_key          jobs/<batchId>/etl.json, written by the activity before StartJobRun
  --store_uri         s3://bucket/prefix on AWS; file:///path or /path for local runs
  --aws_endpoint_url  optional, for an S3 emulator
  --sse_kms_key_id    optional, SSE-KMS key for the processed shards

The spec lists staged shards (inputKeys) and where each cleaned shard goes (outputKeys, same order).
Each Spark task cleans one whole shard and writes one object: shards are already sized for one
task, the output keys are fixed by the workflow (not Spark's part-NNNNN names), and a retried task
overwrites its own output instead of adding files. Records keep their order within a shard.

Output records (JSON Lines): the data dictionary's processed record, exactly as the in-worker stage
writes it (src/pipeline/clean-records.ts, src/pipeline/processed-line.ts): id, source, label,
text_clean, tokens, tokens_nostop, stems, sentiment {compound, label}, language, in the compact v2
line, where the token lists are folded into strings (see compact_record). The model's text options
(language, negations, stemming, per-document language detection) apply; with `redactPii` in the
spec (REDACT_PII), e-mail addresses, URLs and phone numbers are replaced before cleaning, and no raw
text is written.
test/fixtures/processed-record-vectors.json checks the Python port against src/text.

Deploy: this file as the job script; glue_args.py, glue_store.py, nlp_text.py, nlp_stem.py,
nlp_sentiment.py and nlp_pii.py as --extra-py-files; text_rules.json and sentiment_data.json as
--extra-files.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from glue_args import get_resolved_options  # noqa: E402
from glue_store import open_store, store_config  # noqa: E402
from nlp_sentiment import SentimentData  # noqa: E402
from nlp_text import compile_rules, load_rules_data, process_document  # noqa: E402

REQUIRED_ARGS = ["spec_key", "store_uri"]
OPTIONAL_ARGS = ["aws_endpoint_url", "sse_kms_key_id", "JOB_NAME"]
# nlp_clean_job.py itself too: when imported (tests) rather than run as __main__, Spark pickles
# clean_shard by reference and executors must be able to import it.
SIBLING_MODULES = ["glue_args.py", "glue_store.py", "nlp_text.py", "nlp_stem.py", "nlp_sentiment.py", "nlp_pii.py", "nlp_clean_job.py"]
LANGUAGES = ("en", "es")


class SpecError(ValueError):
    """The spec cannot be processed; rerunning the job will not help."""


def validate_spec(spec: Any) -> Dict[str, Any]:
    if not isinstance(spec, dict) or spec.get("kind") != "etl":
        raise SpecError("not an ETL job spec (kind must be 'etl')")
    inputs, outputs = spec.get("inputKeys"), spec.get("outputKeys")
    if not isinstance(inputs, list) or not isinstance(outputs, list) or not inputs:
        raise SpecError("inputKeys and outputKeys must be non-empty lists")
    if len(inputs) != len(outputs):
        raise SpecError("inputKeys (%d) and outputKeys (%d) differ in length" % (len(inputs), len(outputs)))
    if not all(isinstance(k, str) for k in inputs + outputs):
        raise SpecError("keys must be strings")
    options = spec.get("textOptions") or {}
    if options.get("language") not in LANGUAGES:
        raise SpecError("textOptions.language must be one of %s" % ", ".join(LANGUAGES))
    for flag in ("keepNegations", "stem", "detectLanguage"):
        if flag in options and not isinstance(options[flag], bool):
            raise SpecError("textOptions.%s must be a boolean" % flag)
    if "redactPii" in spec and not isinstance(spec["redactPii"], bool):
        raise SpecError("redactPii must be a boolean")
    return spec


def read_spec(store, key: str) -> Dict[str, Any]:
    try:
        spec = json.loads(store.get(key).decode("utf-8"))
    except ValueError as err:
        raise SpecError("%s is not valid JSON: %s" % (key, err)) from None
    return validate_spec(spec)


def _json_line(record: Dict[str, Any]) -> str:
    try:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    except UnicodeEncodeError:
        return json.dumps(record, separators=(",", ":"))


def _splits_back(joined: str, count: int) -> bool:
    """Whether `joined` splits at single spaces into exactly `count` items."""
    return joined == "" if count == 0 else (joined != "" and joined.count(" ") == count - 1)


def compact_record(record: Dict[str, Any]) -> Dict[str, Any]:
    """The processed record as a v2 line (src/pipeline/processed-line.ts): `tokens` is text_clean
    split at its spaces, `kept` one '1' (kept) or '0' (stopword) per token, `stems` the kept tokens'
    stems joined by spaces. A record whose lists would not fold back is kept as a v1 record."""
    tokens, kept, stems = record["tokens"], record["tokens_nostop"], record["stems"]
    joined_stems = " ".join(stems)
    if not _splits_back(record["text_clean"], len(tokens)) or not _splits_back(joined_stems, len(stems)) or len(stems) != len(kept):
        return record
    marks = []
    k = 0
    for token in tokens:
        # A word is a stopword or not whatever its position: the next kept token is the first equal one.
        if k < len(kept) and token == kept[k]:
            marks.append("1")
            k += 1
        else:
            marks.append("0")
    if k != len(kept):
        return record
    compact = {"v": 2, **{name: value for name, value in record.items() if name not in ("tokens", "tokens_nostop")}}
    compact["kept"] = "".join(marks)
    compact["stems"] = joined_stems
    return compact


def _encode(lines: List[str]) -> bytes:
    text = "".join(line + "\n" for line in lines)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a "\ud800" escape in the input) cannot be UTF-8: escape the lines.
        return "".join(json.dumps(json.loads(line), separators=(",", ":")) + "\n" for line in lines).encode("utf-8")


def _read_input(store, key: str) -> str:
    """A staged shard the activity wrote before the job started: missing means a wrong spec, not a
    transient error (S3 is strongly consistent), so it is a SpecError (never retried)."""
    try:
        return store.get(key).decode("utf-8")
    except FileNotFoundError:
        raise SpecError("%s: no such object in the store" % key) from None
    except Exception as err:  # botocore's NoSuchKey has no importable class without boto3
        if type(err).__name__ in ("NoSuchKey",) or "NoSuchKey" in str(err):
            raise SpecError("%s: no such object in the store" % key) from None
        raise


_sentiment_cache: Dict[int, SentimentData] = {}


def _sentiment(sentiment_data: Dict[str, Any]) -> SentimentData:
    # Each task unpickles its own copy of the data; keep one parsed table per Python worker.
    key = len(sentiment_data["vaderLexicon"]) * 100_003 + len(sentiment_data["spanishLexicon"])
    parsed = _sentiment_cache.get(key)
    if parsed is None:
        parsed = _sentiment_cache[key] = SentimentData(sentiment_data)
    return parsed


def clean_shard(
    store_conf: Dict[str, Any],
    rules_data: Dict[str, Any],
    sentiment_data: Dict[str, Any],
    text_options: Dict[str, Any],
    redact: bool,
    task: Tuple[int, str, str],
) -> Dict[str, Any]:
    """One Spark task: staged shard in, processed shard out. Runs on an executor."""
    index, input_key, output_key = task
    store = open_store(store_conf)
    rules = compile_rules(rules_data)
    sentiment = _sentiment(sentiment_data)
    lines: List[str] = []
    for number, raw in enumerate(_read_input(store, input_key).split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except ValueError:
            raise SpecError("%s: line %d is not valid JSON" % (input_key, number)) from None
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not isinstance(row.get("body"), str):
            raise SpecError("%s: line %d is not a staged record (needs id and body)" % (input_key, number))
        processed = process_document(row.get("title") or "", row["body"], rules, rules_data, sentiment, text_options, redact)
        lines.append(_json_line(compact_record({"id": row["id"], "source": row.get("source"), "label": row.get("label"), **processed})))
    store.put(output_key, _encode(lines), "application/x-ndjson")
    return {"index": index, "outputKey": output_key, "rows": len(lines)}


def _sentiment_json() -> Dict[str, Any]:
    from nlp_sentiment import data_path

    with open(data_path(), encoding="utf-8") as handle:
        return json.load(handle)


def _ship_modules(spark) -> None:
    """Makes the sibling modules importable on executors (Glue does it with --extra-py-files)."""
    context = spark.sparkContext
    shipped = getattr(context, "_nlp_clean_modules", set())
    for name in SIBLING_MODULES:
        path = os.path.join(HERE, name)
        if os.path.isfile(path) and path not in shipped:
            context.addPyFile(path)
            shipped.add(path)
    context._nlp_clean_modules = shipped


def run(spark, args: Dict[str, str]) -> List[Dict[str, Any]]:
    conf = store_config(args["store_uri"], args.get("aws_endpoint_url"), args.get("sse_kms_key_id"))
    spec = read_spec(open_store(conf), args["spec_key"])
    rules_data = load_rules_data()
    sentiment_data = _sentiment_json()
    text_options = dict(spec["textOptions"])
    redact = spec.get("redactPii") is True
    tasks = list(zip(range(len(spec["inputKeys"])), spec["inputKeys"], spec["outputKeys"]))
    _ship_modules(spark)
    # One partition per shard: Spark schedules them over the executors and retries a failed one.
    rdd = spark.sparkContext.parallelize(tasks, numSlices=len(tasks))
    results = rdd.map(lambda task: clean_shard(conf, rules_data, sentiment_data, text_options, redact, task)).collect()
    return sorted(results, key=lambda r: r["index"])


def main(argv: Optional[Sequence[str]] = None, spark=None) -> List[Dict[str, Any]]:
    args = get_resolved_options(list(argv if argv is not None else sys.argv), REQUIRED_ARGS, OPTIONAL_ARGS)
    own_session = spark is None
    if own_session:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.appName("nlp-clean-%s" % args.get("JOB_NAME", "local")).getOrCreate()
    try:
        results = run(spark, args)
    finally:
        if own_session:
            spark.stop()
    rows = sum(r["rows"] for r in results)
    print("nlp_clean_job: %d shard(s), %d row(s) cleaned from %s" % (len(results), rows, args["spec_key"]))
    return results


if __name__ == "__main__":
    main()
