"""Reference values for src/drift, computed independently with numpy/scipy.

Reads a JSON request on stdin:
  {"distributions": [{"expected": [...], "actual": [...]}, ...],
   "gamma": [[a, x], ...],
   "psi_epsilon": 1e-4}
and writes on stdout, in the same order:
  {"distributions": [{"psi", "js", "chi2", "dof", "p"}], "gamma": [{"q", "p"}]}

PSI has no scipy function: it is written here from its definition (proportions, a zero proportion
replaced by epsilon, no renormalisation). JS distance is scipy.spatial.distance.jensenshannon with
base 2; the chi-square test is scipy.stats.chi2_contingency without continuity correction on the
2 x k table with bins empty in both samples dropped; Q and P are scipy.special.gammaincc/gammainc.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.special import gammainc, gammaincc
from scipy.stats import chi2_contingency


def psi(expected, actual, eps):
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    pe = e / e.sum()
    pa = a / a.sum()
    pe = np.where(e == 0, eps, pe)
    pa = np.where(a == 0, eps, pa)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def chi_square(expected, actual):
    table = np.array([expected, actual], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return 0.0, 0, 1.0
    result = chi2_contingency(table, correction=False)
    return float(result.statistic), int(result.dof), float(result.pvalue)


def main():
    request = json.load(sys.stdin)
    eps = request.get("psi_epsilon", 1e-4)
    out = {"distributions": [], "gamma": []}
    for d in request.get("distributions", []):
        stat, dof, p = chi_square(d["expected"], d["actual"])
        js = float(jensenshannon(np.asarray(d["expected"], float), np.asarray(d["actual"], float), base=2))
        out["distributions"].append({"psi": psi(d["expected"], d["actual"], eps), "js": js, "chi2": stat, "dof": dof, "p": p})
    for a, x in request.get("gamma", []):
        out["gamma"].append({"q": float(gammaincc(a, x)), "p": float(gammainc(a, x))})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
