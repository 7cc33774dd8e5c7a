"""scikit-learn's side of bench/engine.bench.ts, on the files our side wrote.

usage: python engine_sklearn.py DIR TRAINING_CONFIG_JSON ROUNDS_JSON
DIR holds train.tsv / test.tsv (label TAB space-separated feature tokens, produced by our cleaner)
and raw-sample.jsonl (raw texts, one JSON string per line). ROUNDS_JSON is {"fit": n, "predict": n}:
timed repetitions, the fastest (least CPU) counts. Prints one JSON line of metrics.
"""

import json
import os
import resource
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.naive_bayes import ComplementNB, MultinomialNB


def ngram_analyzer(min_n, max_n):
    def analyze(line):
        tokens = line.split()
        grams = []
        for n in range(min_n, max_n + 1):
            for i in range(len(tokens) - n + 1):
                grams.append(" ".join(tokens[i : i + n]))
        return grams

    return analyze


def df_bound(value, is_max):
    """Our convention: (0, 1) is a fraction (also exactly 1 for max_df); otherwise a count."""
    if 0 < value < 1 or (is_max and value == 1):
        return float(value)
    return int(value)


def read_split(path, labels):
    """Streams the feature strings of a TSV file, collecting labels on the way."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            labels.append(label)
            yield text


class Stopwatch:
    """CPU (process_time: user + system) and wall seconds of a block."""

    def __enter__(self):
        self.cpu = time.process_time()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.cpu = time.process_time() - self.cpu
        self.wall = time.perf_counter() - self.wall


def main():
    directory = sys.argv[1]
    config = json.loads(sys.argv[2])
    rounds = json.loads(sys.argv[3])
    options = config["vectorizer"]
    min_n, max_n = options["ngramRange"]

    # "clean": the analyzer sklearn runs on raw text (lower case, token regex, n-grams).
    analyzer = TfidfVectorizer(ngram_range=(min_n, max_n)).build_analyzer()
    # Streamed, timing the analyzer calls only (not JSON decoding), like our side times cleanDocument.
    # Several rounds where the plan asks for them: the fastest counts; the first is reported too.
    clean = []
    for _ in range(rounds.get("clean", 1)):
        clean_cpu = clean_wall = 0.0
        sample = 0
        with open(os.path.join(directory, "raw-sample.jsonl"), encoding="utf-8") as f:
            for line in f:
                text = json.loads(line)
                cpu, wall = time.process_time(), time.perf_counter()
                analyzer(text)
                clean_cpu += time.process_time() - cpu
                clean_wall += time.perf_counter() - wall
                sample += 1
        clean.append((clean_cpu, clean_wall))
    first_clean_cpu = clean[0][0]
    clean_cpu, clean_wall = min(clean)

    def make_vectorizer():
        return TfidfVectorizer(
            analyzer=ngram_analyzer(min_n, max_n),
            min_df=df_bound(options["minDf"], False),
            max_df=df_bound(options["maxDf"], True),
            max_features=options["maxFeatures"],
            binary=options["binary"],
            use_idf=options["useIdf"],
            smooth_idf=options["smoothIdf"],
            sublinear_tf=options["sublinearTf"],
            norm=None if options["norm"] == "none" else options["norm"],
        )

    classifier_options = config["classifier"]
    model_class = ComplementNB if classifier_options["variant"] == "complement" else MultinomialNB

    fit = None
    for _ in range(rounds["fit"]):
        vectorizer = make_vectorizer()
        model = model_class(alpha=classifier_options["alpha"], fit_prior=classifier_options["fitPrior"])
        train_labels = []
        with Stopwatch() as watch:
            x_train = vectorizer.fit_transform(read_split(os.path.join(directory, "train.tsv"), train_labels))
            model.fit(x_train, train_labels)
        del x_train
        if fit is None or watch.cpu < fit.cpu:
            fit = watch

    predict = None
    for _ in range(rounds["predict"]):
        test_labels = []
        with Stopwatch() as watch:
            predictions = model.predict(vectorizer.transform(read_split(os.path.join(directory, "test.tsv"), test_labels)))
        if predict is None or watch.cpu < predict.cpu:
            predict = watch

    print(
        json.dumps(
            {
                "cleanDocsPerSec": sample / clean_cpu,
                "firstCleanDocsPerSec": sample / first_clean_cpu,
                "fitDocsPerSec": len(train_labels) / fit.cpu,
                "predictDocsPerSec": len(test_labels) / predict.cpu,
                # ru_maxrss is in KiB on Linux.
                "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "accuracy": float(accuracy_score(test_labels, predictions)),
                "macroF1": float(f1_score(test_labels, predictions, average="macro")),
                "wallClock": {
                    "cleanDocsPerSec": sample / clean_wall,
                    "fitDocsPerSec": len(train_labels) / fit.wall,
                    "predictDocsPerSec": len(test_labels) / predict.wall,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
