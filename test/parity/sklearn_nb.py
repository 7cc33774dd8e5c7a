"""scikit-learn's side of the parity tests.

Reads a JSON job (token lists already produced by the TypeScript cleaner, so both sides see the same
tokens), fits TfidfVectorizer + MultinomialNB/ComplementNB for each requested configuration and
writes predictions, probabilities and fitted parameters as JSON.

usage: python sklearn_nb.py JOB.json RESULT.json
"""

import json
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import ComplementNB, MultinomialNB


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
    if options["variant"] == "complement":
        return ComplementNB(alpha=options["alpha"], fit_prior=options["fitPrior"])
    return MultinomialNB(alpha=options["alpha"], fit_prior=options["fitPrior"])


def run(job, config):
    vectorizer = vectorizer_for(config["vectorizer"])
    x_train = vectorizer.fit_transform(job["train"]["docs"])
    model = classifier_for(config["classifier"]).fit(x_train, job["train"]["labels"])
    x_test = vectorizer.transform(job["test"]["docs"])
    predictions = model.predict(x_test)
    result = {
        "classes": model.classes_.tolist(),
        "predictions": predictions.tolist(),
        "probabilities": model.predict_proba(x_test).tolist(),
        "accuracy": float(np.mean(predictions == np.array(job["test"]["labels"]))),
        "vocabularySize": len(vectorizer.vocabulary_),
        "classLogPrior": model.class_log_prior_.tolist(),
    }
    if job.get("details"):
        names = vectorizer.get_feature_names_out().tolist()
        if config["vectorizer"]["useIdf"]:
            result["idf"] = dict(zip(names, vectorizer.idf_.tolist()))
        result["featureLogProb"] = dict(zip(names, model.feature_log_prob_.T.tolist()))
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    results = [run(job, config) for config in job["configs"]]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
