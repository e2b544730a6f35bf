"""Reference numbers for the engine's ε lower bound (src-main/engine/metrics/clopper-pearson.ts,
normal-distribution.ts, gdp.ts), computed with scipy, independently of the engine:

  * one-sided Clopper-Pearson upper bounds: scipy.stats.beta.ppf(confidence, k + 1, n - k), and 1 when k = n;
  * the standard normal quantile: scipy.stats.norm.ppf;
  * epsilon(delta) of mu-GDP from its closed form delta(eps) = Phi(-eps/mu + mu/2) - e^eps Phi(-eps/mu - mu/2),
    solved with scipy.optimize.brentq.

Run with Debian's python3 from the repository root:
  /usr/bin/python3 tools/privacy-reference/privacy_reference.py
It writes tests/fixtures/privacy-reference.json.
"""
import json
import math
import os

import scipy
from scipy import optimize, stats

CASES = [
    (0, 1, 0.95), (0, 10, 0.95), (1, 10, 0.95), (5, 10, 0.95), (9, 10, 0.95), (10, 10, 0.95),
    (0, 100, 0.975), (3, 100, 0.975), (50, 100, 0.5), (99, 100, 0.999),
    (0, 1000, 0.95), (1, 1000, 0.95), (7, 1000, 0.99999), (500, 1000, 0.95), (999, 1000, 0.95),
    (0, 5000, 1 - 0.05 / 10002), (12, 5000, 1 - 0.05 / 10002), (2500, 5000, 0.9),
    (0, 60000, 0.95), (30, 60000, 0.975), (59000, 60000, 0.95),
]
PROBABILITIES = [1e-300, 1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-12]
GDP = [(0.5, 1e-5), (1.0, 1e-5), (2.0, 1e-5), (3.0, 1e-5), (1.0, 1e-3), (4.0, 1e-6)]


def clopper_pearson_upper(k, n, confidence):
    return 1.0 if k == n else float(stats.beta.ppf(confidence, k + 1, n - k))


def gdp_delta(eps, mu):
    return stats.norm.cdf(-eps / mu + mu / 2) - math.exp(eps) * stats.norm.cdf(-eps / mu - mu / 2)


def gdp_epsilon(mu, delta):
    if gdp_delta(0.0, mu) <= delta:
        return 0.0
    return float(optimize.brentq(lambda e: gdp_delta(e, mu) - delta, 0.0, 200.0, xtol=1e-14, rtol=1e-14))


def main():
    out = {
        'reference': 'tools/privacy-reference/privacy_reference.py',
        'scipy': scipy.__version__,
        'clopper_pearson_upper': [
            {'errors': k, 'trials': n, 'confidence': c, 'upper': clopper_pearson_upper(k, n, c)} for k, n, c in CASES
        ],
        'normal_quantile': [{'p': p, 'z': float(stats.norm.ppf(p))} for p in PROBABILITIES],
        'gdp_epsilon': [{'mu': mu, 'delta': d, 'epsilon': gdp_epsilon(mu, d)} for mu, d in GDP],
    }
    path = os.path.join('tests', 'fixtures', 'privacy-reference.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=2)
        f.write('\n')
    print('wrote', path)


if __name__ == '__main__':
    main()
