import pytest

from glue_args import get_resolved_options


def test_reads_required_and_present_optional_arguments_ignoring_the_rest():
    argv = ["job.py", "--JOB_ID", "j_1", "--spec_key", "jobs/b1/etl.json", "--store_uri=s3://bucket/p", "--extra", "x"]
    args = get_resolved_options(argv, ["spec_key", "store_uri"], ["aws_endpoint_url", "JOB_ID"])
    assert args == {"spec_key": "jobs/b1/etl.json", "store_uri": "s3://bucket/p", "JOB_ID": "j_1"}


def test_a_missing_required_argument_is_an_error():
    with pytest.raises(SystemExit):
        get_resolved_options(["job.py", "--spec_key", "k"], ["spec_key", "store_uri"])


def test_values_may_look_like_anything_but_a_flag():
    args = get_resolved_options(["job.py", "--spec_key", "jobs/a b/etl.json", "--store_uri", "/tmp/x"], ["spec_key", "store_uri"])
    assert args["spec_key"] == "jobs/a b/etl.json"
