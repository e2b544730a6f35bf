"""Writes resources/demo/metrics-goldens.json: score vectors with labels and scikit-learn's
roc_auc_score / roc_curve(drop_intermediate=False) results, for the workbench's metric tests.

Run with Debian's python3:  /usr/bin/python3 metrics_goldens.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.metrics import roc_auc_score, roc_curve  # noqa: E402


def case(name, scores, labels, note=''):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
    summary = common.roc_summary(scores, labels)
    return {
        'name': name, 'note': note,
        'scores': [float(v) for v in scores], 'labels': [int(v) for v in labels],
        'auc': float(roc_auc_score(labels, scores)),
        'roc_curve': {'fpr': [float(v) for v in fpr], 'tpr': [float(v) for v in tpr],
                      'thresholds': [float(v) for v in thr]},
        'tpr_at_fpr': {'0.001': summary['tpr_at_0.1%_fpr'], '0.01': summary['tpr_at_1%_fpr'],
                       '0.1': summary['tpr_at_10%_fpr']},
        'balanced_accuracy': float(np.max(0.5 * (tpr + 1.0 - fpr))),
        'advantage': float(np.max(tpr - fpr)),
    }


def main():
    rng = np.random.default_rng(4242)
    cases = []
    n = 60
    y = (rng.random(n) < 0.5).astype(int)
    s = rng.normal(size=n) + 0.8 * y
    cases.append(case('random-continuous', s, y, 'normal scores, members shifted by +0.8'))
    y = (rng.random(200) < 0.4).astype(int)
    s = rng.normal(size=200) + 1.0 * y
    cases.append(case('random-continuous-200', s, y, '200 records, 40% members'))
    y = (rng.random(80) < 0.5).astype(int)
    s = np.round(rng.random(80) + 0.25 * y, 1)
    cases.append(case('heavy-ties', s, y, 'scores rounded to one decimal: ties across classes'))
    cases.append(case('all-tied', [0.5] * 10, [1, 0, 1, 0, 0, 1, 1, 0, 0, 0], 'every score equal: AUC 0.5'))
    cases.append(case('tiny-2', [0.2, 0.9], [0, 1], 'one member, one non-member'))
    cases.append(case('tiny-3-tie', [0.3, 0.3, 0.1], [1, 0, 0], 'a tie between a member and a non-member'))
    cases.append(case('perfect', [0.9, 0.8, 0.7, 0.3, 0.2], [1, 1, 1, 0, 0], 'perfect separation'))
    cases.append(case('inverted', [0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0], 'statistic pointing the wrong way'))
    cases.append(case('negative-scores', [-3.5, -0.25, -1e-9, -7.0, -0.25, -2.0], [1, 1, 1, 0, 0, 0],
                      'negated losses with one cross-class tie'))
    y = np.array([1] * 150 + [0] * 150)
    s = np.concatenate([rng.normal(0.5, 1, 150), rng.normal(0, 1, 150)])
    cases.append(case('balanced-300', s, y, '150/150: TPR at 1% FPR reachable, 0.1% not'))
    out = {
        'generator': 'tools/demo-kit/metrics_goldens.py',
        'sklearn_version': sklearn.__version__,
        'notes': [
            'Members are the positive class (label 1); higher score = more likely member.',
            'roc_curve(labels, scores, drop_intermediate=False); thresholds[0] is scikit-learn 1.2\'s '
            'sentinel max(score)+1 (newer versions use +inf, which JSON cannot hold): compare thresholds[1:].',
            'Ties are one ROC step; AUC equals the Mann-Whitney statistic with ties counted 1/2.',
            'tpr_at_fpr: largest TPR whose FPR <= bound over the full curve, null when fewer than 1/bound '
            'non-members.',
            'balanced_accuracy = max over curve points of (TPR + 1 - FPR)/2; advantage = max(TPR - FPR).',
        ],
        'cases': cases,
    }
    common.write_json(os.path.join(common.DEMO_DIR, 'metrics-goldens.json'), out)
    print('wrote metrics-goldens.json with %d cases' % len(cases))


if __name__ == '__main__':
    main()
