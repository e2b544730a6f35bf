"""Reference numbers for the engine's set-level inference test (src-main/engine/metrics/mann-whitney.ts, welch-t.ts), computed
with scipy, independently of the engine:

  * one-sided Mann-Whitney U p-values (alternative='greater'), both by the normal approximation with tie correction
    and continuity correction (method='asymptotic') and, for small tie-free groups, exactly (method='exact');
  * one-sided Welch t-tests (scipy.stats.ttest_ind, equal_var=False, alternative='greater'), with the
    Welch-Satterthwaite degrees of freedom;
  * ln Gamma(x) (scipy.special.gammaln), which the t distribution's beta function rests on;
  * the Kolmogorov-Smirnov critical value for 500 p-values at the 1 % level (scipy.stats.kstwo.ppf(0.99, 500)),
    which the null-uniformity test compares its statistic against.

The score sets are fixed here (seeded numpy draws, rounded so that some cases have ties) and stored with the
answers, so the test reads both from the fixture.

Run with Debian's python3 from the repository root:
  /usr/bin/python3 tools/set-inference-reference/set_inference_reference.py
It writes tests/fixtures/set-inference-reference.json; format it with `npx prettier --write` before committing.
"""
import json
import os

import numpy as np
import scipy
from scipy import special, stats

# (suspects, references, shift of the suspects, decimals kept: fewer decimals make ties)
CASES = [
    (3, 4, 0.0, 6), (5, 5, 1.0, 6), (8, 10, 0.5, 6), (10, 10, -0.5, 6), (10, 7, 2.0, 6),
    (6, 9, 0.3, 1), (20, 30, 0.0, 6), (25, 40, 0.8, 1), (50, 50, 0.2, 6), (100, 200, 0.1, 0),
    (40, 400, 0.5, 2), (1, 12, 1.0, 6),
]
LOG_GAMMA_AT = [1e-6, 0.1, 0.5, 1.0, 1.5, 2.5, 7.3, 14.999, 15.0, 49.5, 123.25, 1e4, 2.5e6]


def main():
    rng = np.random.default_rng(20261206)
    cases = []
    for n1, n2, shift, decimals in CASES:
        suspects = np.round(rng.normal(shift, 1.0, n1), decimals)
        references = np.round(rng.normal(0.0, 1.0, n2), decimals)
        has_ties = len(np.unique(np.concatenate([suspects, references]))) < n1 + n2
        asymptotic = stats.mannwhitneyu(suspects, references, alternative='greater', method='asymptotic')
        case = {
            'suspects': suspects.tolist(),
            'references': references.tolist(),
            'u': float(asymptotic.statistic),
            'p_normal': float(asymptotic.pvalue),
        }
        if n1 >= 2 and n2 >= 2:
            welch = stats.ttest_ind(suspects, references, equal_var=False, alternative='greater')
            v1, v2 = suspects.var(ddof=1) / n1, references.var(ddof=1) / n2
            case['welch_t'] = float(welch.statistic)
            case['welch_p'] = float(welch.pvalue)
            case['welch_df'] = float((v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1)))
        if not has_ties and n1 <= 10 and n2 <= 10:
            case['p_exact'] = float(stats.mannwhitneyu(suspects, references, alternative='greater', method='exact').pvalue)
        cases.append(case)
    out = {
        'reference': 'tools/set-inference-reference/set_inference_reference.py',
        'scipy': scipy.__version__,
        'mann_whitney_greater': cases,
        'log_gamma': [{'x': x, 'value': float(special.gammaln(x))} for x in LOG_GAMMA_AT],
        'ks_critical_500_at_0_01': float(stats.kstwo.ppf(0.99, 500)),
    }
    path = os.path.join('tests', 'fixtures', 'set-inference-reference.json')
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
