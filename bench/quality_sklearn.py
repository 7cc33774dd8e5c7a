"""scikit-learn baselines for bench/quality.bench.ts, on the same train / held-out rows.

usage: python quality_sklearn.py DIR
DIR holds train.jsonl and test.jsonl ({"text", "label"} per line: the rows continuousTraining's
assembleTrainingSet split). scikit-learn gets the raw text and its own analyzer, as in a notebook.
Prints one JSON object: per baseline, macro F1 and accuracy on test.jsonl, the chosen parameters
and the CPU seconds it took. Tuned baselines: GridSearchCV, stratified 3-fold on train.jsonl,
scoring macro F1, refit on all of train.jsonl.
"""

import json
import os
import sys
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.pipeline import Pipeline


def read(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(row["label"])
    return texts, labels


# A notebook-sized grid (every fit re-tokenises: larger grids take hours on a shared 2-core box).
VECTORIZER_GRID = {
    "tfidf__ngram_range": [(1, 1), (1, 2)],
    "tfidf__sublinear_tf": [True],
}


def baselines():
    return {
        "sklearn default NB (TfidfVectorizer + MultinomialNB)": (
            Pipeline([("tfidf", TfidfVectorizer()), ("clf", MultinomialNB())]),
            None,
        ),
        "sklearn tuned NB": (
            Pipeline([("tfidf", TfidfVectorizer()), ("clf", MultinomialNB())]),
            {**VECTORIZER_GRID, "clf__alpha": [0.001, 0.01, 0.1, 1.0]},
        ),
        "sklearn tuned ComplementNB": (
            Pipeline([("tfidf", TfidfVectorizer()), ("clf", ComplementNB())]),
            {**VECTORIZER_GRID, "clf__alpha": [0.01, 0.1, 0.3, 1.0]},
        ),
        "sklearn tuned TF-IDF + LogisticRegression": (
            Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression(max_iter=300))]),
            {**VECTORIZER_GRID, "clf__C": [10.0, 100.0]},
        ),
    }


def main():
    directory = sys.argv[1]
    train_x, train_y = read(os.path.join(directory, "train.jsonl"))
    test_x, test_y = read(os.path.join(directory, "test.jsonl"))
    results = {}
    for name, (pipeline, grid) in baselines().items():
        started = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if grid is None:
                model = pipeline.fit(train_x, train_y)
                params = {}
            else:
                search = GridSearchCV(
                    pipeline,
                    grid,
                    scoring="f1_macro",
                    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
                    n_jobs=1,
                )
                search.fit(train_x, train_y)
                model = search.best_estimator_
                params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in search.best_params_.items()}
        predictions = model.predict(test_x)
        results[name] = {
            "macroF1": float(f1_score(test_y, predictions, average="macro")),
            "accuracy": float(accuracy_score(test_y, predictions)),
            "params": params,
            "cpuSeconds": time.process_time() - started,
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
