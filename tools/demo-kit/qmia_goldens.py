"""Writes resources/demo/classifier/goldens/qmia.json and qmia-regressor.onnx: per-record goldens for the
deterministic parts of quantile-regression MIA (qmia), computed here in numpy and PyTorch, independently of the
workbench's TypeScript:

  - phi, the logit margin z_y - logsumexp_{k != y} z_k, of the demo target's logits on the parity records
    (goldens/parity.json, written by classifier.py);
  - a fixed regressor: the recipe's own QuantileCNN (resources/training/train_quantile_regressor.py) with seeded
    weights, untrained, exported to ONNX; its quantile for each parity record, and the score phi - quantile;
  - the pinball loss on fixed inputs at three levels.

Run with Debian's python3 after classifier.py:  /usr/bin/python3 tools/demo-kit/qmia_goldens.py   (seconds)
"""
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
GOLDENS = os.path.join(ROOT, 'resources', 'demo', 'classifier', 'goldens')


def load_recipe():
    spec = importlib.util.spec_from_file_location(
        'train_quantile_regressor', os.path.join(ROOT, 'resources', 'training', 'train_quantile_regressor.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def phi_from_logits(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    out = []
    for row, y in zip(logits, labels):
        others = np.delete(row, y)
        top = others.max()
        out.append(float(row[y] - (top + np.log(np.exp(others - top).sum()))))
    return out


def pinball(scores, predictions, tau):
    residual = np.asarray(scores, dtype=np.float64) - np.asarray(predictions, dtype=np.float64)
    return float(np.mean(np.maximum(tau * residual, (tau - 1.0) * residual)))


def main():
    with open(os.path.join(GOLDENS, 'parity.json'), encoding='utf-8') as handle:
        parity = json.load(handle)
    shape = parity['input']['shape']
    inputs = np.fromfile(os.path.join(GOLDENS, parity['input']['file']), dtype='<f4').reshape(shape)
    target = parity['models']['target']['output']
    logits = np.asarray(target['data'], dtype=np.float32).reshape(target['shape'])
    labels = parity['labels']
    phi = phi_from_logits(logits, labels)

    recipe = load_recipe()
    torch.manual_seed(20231)
    channels, height, width_px = shape[1:]
    regressor = recipe.QuantileCNN(channels, height, width_px, 8, False, centre=2.0, spread=1.5).eval()
    onnx_file = os.path.join(GOLDENS, 'qmia-regressor.onnx')
    with torch.no_grad():
        torch.onnx.export(regressor, torch.zeros([2] + shape[1:]), onnx_file, input_names=['pixel_values'],
                          output_names=['quantile'], opset_version=17,
                          dynamic_axes={'pixel_values': {0: 'batch'}, 'quantile': {0: 'batch'}},
                          do_constant_folding=True)
        quantiles = [float(v) for v in regressor(torch.from_numpy(inputs)).squeeze(1).double()]

    cases = []
    scores = [3.0, 0.0, 5.0, -2.5, 1.25]
    predictions = [1.0, 1.0, 5.0, 0.5, -0.75]
    for tau in (0.5, 0.95, 0.99):
        cases.append({'scores': scores, 'predictions': predictions, 'tau': tau,
                      'loss': pinball(scores, predictions, tau)})

    common.write_json(os.path.join(GOLDENS, 'qmia.json'), {
        'note': 'qmia goldens from tools/demo-kit/qmia_goldens.py: phi of the target logits of parity.json, the '
                'quantiles of the fixed (seeded, untrained) regressor qmia-regressor.onnx on parity-input.bin, the '
                'scores phi - quantile, and the pinball loss on fixed inputs.',
        'ids': parity['ids'],
        'labels': labels,
        'phi': phi,
        'regressor': {'model': 'qmia-regressor.onnx', 'seed': 20231, 'width': 8, 'centre': 2.0, 'spread': 1.5,
                      'sha256': recipe.file_sha256(onnx_file)},
        'quantiles': quantiles,
        'scores': [p - q for p, q in zip(phi, quantiles)],
        'pinball': cases,
    })
    common.log('wrote %s and %s' % (os.path.join(GOLDENS, 'qmia.json'), onnx_file))


if __name__ == '__main__':
    main()
