"""scikit-learn's side of the linear-model parity tests.

Reads a JSON job (token lists produced by the TypeScript cleaner, so both sides see the same
tokens), fits TfidfVectorizer + LogisticRegression(lbfgs) or
CalibratedClassifierCV(SGDClassifier(loss='hinge'), method='sigmoid', ensemble=False) for each
requested configuration, and writes predictions, probabilities and, when asked, the fitted
parameters per term.

usage: python sklearn_linear.py JOB.json RESULT.json
"""

import json
import sys
import warnings

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier


def ngram_analyzer(min_n, max_n):
    def analyze(tokens):
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


def vectorizer_for(options):
    min_n, max_n = options["ngramRange"]
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


def classifier_for(options):
    if options["variant"] == "logistic":
        return LogisticRegression(C=options["C"], max_iter=options["maxIter"], tol=options["tol"])
    if options["variant"] == "svm":
        sgd = SGDClassifier(
            loss="hinge",
            alpha=options["alpha"],
            max_iter=options["maxIter"],
            tol=options["tol"],
            shuffle=options["shuffle"],
            random_state=options["seed"],
        )
        return CalibratedClassifierCV(sgd, method="sigmoid", cv=options["calibrationFolds"], ensemble=False)
    raise ValueError(f"not a linear variant: {options['variant']}")


def run(job, config):
    vectorizer = vectorizer_for(config["vectorizer"])
    x_train = vectorizer.fit_transform(job["train"]["docs"])
    model = classifier_for(config["classifier"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x_train, job["train"]["labels"])
    x_test = vectorizer.transform(job["test"]["docs"])
    predictions = model.predict(x_test)
    result = {
        "classes": model.classes_.tolist(),
        "predictions": predictions.tolist(),
        "probabilities": model.predict_proba(x_test).tolist(),
        "accuracy": float(np.mean(predictions == np.array(job["test"]["labels"]))),
        "vocabularySize": len(vectorizer.vocabulary_),
    }
    if job.get("details"):
        names = vectorizer.get_feature_names_out().tolist()
        if config["classifier"]["variant"] == "logistic":
            estimator = model
            result["iterations"] = int(np.max(model.n_iter_))
        else:
            calibrated = model.calibrated_classifiers_[0]
            estimator = calibrated.estimator
            result["calibration"] = [[float(c.a_), float(c.b_)] for c in calibrated.calibrators]
        result["coefficients"] = dict(zip(names, estimator.coef_.T.tolist()))
        result["intercepts"] = estimator.intercept_.tolist()
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    results = [run(job, config) for config in job["configs"]]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
