"""Label-only demo fixture and goldens (issue 22), in seconds, from the committed demo target.

Writes
- resources/demo/classifier/target_labels.onnx (+ .json sidecar): the demo target with an ArgMax appended, so its
  only output is the class index (int64 [batch]); it exposes no probabilities at all.
- resources/demo/classifier/goldens/label-only.json: per-record goldens for the deterministic parts of the two
  label-only attacks, computed by a torch re-implementation of target.onnx (weights read from its initializers):
  * augmentation: for the first audit and non-member records, the fraction of a fixed list of flips and shifts
    (border pixels repeated, no noise) that the target labels correctly;
  * boundary: for the same records, the binary-search fraction t of the segment from the record to a fixed far
    point (the image of the first listed record the target labels otherwise) where the boundary lies.

Needs python3-onnx (to read and write the ONNX graph); tests read only the outputs.
Usage: /usr/bin/python3 tools/demo-kit/label_only_reference.py
"""
import os

import common  # noqa: F401  (thread settings before torch)
from common import DEMO_DIR, load_png_gray, preprocess_u8, read_manifest, write_json

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper, TensorProto

CLASSIFIER_DIR = os.path.join(DEMO_DIR, 'classifier')
RECORDS_PER_SET = 10
BINARY_STEPS = 16
# Fixed augmentations (flip, shift x, shift y): every kind the engine applies except noise, which is seeded.
AUGMENTATIONS = [
    (True, 0, 0),
    (False, 1, 0),
    (False, -1, 0),
    (False, 0, 1),
    (False, 0, -2),
    (True, 2, -1),
    (True, -2, 2),
    (False, 3, 3),
]


def write_label_model():
    """target.onnx plus ArgMax(axis 1, keepdims 0) on its logits: the output 'label' is int64 [batch]."""
    model = onnx.load(os.path.join(CLASSIFIER_DIR, 'target.onnx'))
    graph = model.graph
    logits = graph.output[0].name
    graph.node.append(helper.make_node('ArgMax', [logits], ['label'], axis=1, keepdims=0, name='ArgMax_label'))
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info('label', TensorProto.INT64, ['batch']))
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(CLASSIFIER_DIR, 'target_labels.onnx'))
    sidecar = dict(json_load(os.path.join(CLASSIFIER_DIR, 'target.json')))
    sidecar.pop('output', None)
    sidecar['output_name'] = 'label'
    sidecar['description'] = 'the leaky demo target with an ArgMax appended: it answers the class index only (label-only)'
    write_json(os.path.join(CLASSIFIER_DIR, 'target_labels.json'), sidecar)


def json_load(path):
    import json
    with open(path) as f:
        return json.load(f)


def torch_target():
    """target.onnx's graph (Conv, Tanh, MaxPool, Flatten, Gemm) as torch functions over its own initializers."""
    model = onnx.load(os.path.join(CLASSIFIER_DIR, 'target.onnx'))
    weights = {init.name: torch.from_numpy(numpy_helper.to_array(init).copy()) for init in model.graph.initializer}
    nodes = list(model.graph.node)

    def attr(node, name):
        found = [helper.get_attribute_value(a) for a in node.attribute if a.name == name]
        return found[0] if found else None

    def run(x):
        values = {model.graph.input[0].name: x}
        for node in nodes:
            args = [values.get(name, weights.get(name)) for name in node.input]
            if node.op_type == 'Conv':
                assert attr(node, 'pads') == [0, 0, 0, 0] and attr(node, 'group') == 1
                out = F.conv2d(args[0], args[1], args[2], stride=attr(node, 'strides'))
            elif node.op_type == 'Tanh':
                out = torch.tanh(args[0])
            elif node.op_type == 'MaxPool':
                out = F.max_pool2d(args[0], attr(node, 'kernel_shape'), attr(node, 'strides'))
            elif node.op_type == 'Flatten':
                out = torch.flatten(args[0], attr(node, 'axis'))
            elif node.op_type == 'Gemm':
                assert attr(node, 'transB') == 1
                out = args[0] @ args[1].T + args[2]
            else:
                raise ValueError(f'unexpected op {node.op_type}')
            values[node.output[0]] = out
        return values[model.graph.output[0].name]

    return run


def augment(image, flip, shift_x, shift_y):
    """image [1,H,W]; mirrored first, then shifted with the border repeated (as augmentation-math.ts)."""
    _, h, w = image.shape
    ys = np.clip(np.arange(h) - shift_y, 0, h - 1)
    xs = np.clip(np.arange(w) - shift_x, 0, w - 1)
    if flip:
        xs = w - 1 - xs
    return image[:, ys][:, :, xs]


def main():
    write_label_model()
    target = torch_target()
    rows = read_manifest(os.path.join(CLASSIFIER_DIR, 'manifest.csv'))
    audit = [r for r in rows if r['role'] == 'audit']
    members = [r for r in audit if r['member'] == '1'][:RECORDS_PER_SET]
    nonmembers = [r for r in audit if r['member'] == '0'][:RECORDS_PER_SET]
    chosen = members + nonmembers
    images_u8 = np.stack([load_png_gray(os.path.join(CLASSIFIER_DIR, r['path'])) for r in chosen])
    x = preprocess_u8(images_u8)  # [N,1,28,28] float32
    labels = np.array([int(r['label']) for r in chosen])
    with torch.no_grad():
        predicted = target(x).argmax(1).numpy()

        fractions = []
        for i in range(len(chosen)):
            copies = torch.stack([torch.from_numpy(augment(x[i].numpy(), *a)) for a in AUGMENTATIONS])
            fractions.append(float((target(copies).argmax(1).numpy() == labels[i]).mean()))

        # The far point of every record: the first chosen record the target labels otherwise than its label.
        far_index = []
        for i in range(len(chosen)):
            far_index.append(next(j for j in range(len(chosen)) if predicted[j] != labels[i]))
        far = x[far_index]
        low = torch.zeros(len(chosen), dtype=torch.float64)
        high = torch.ones(len(chosen), dtype=torch.float64)
        for _ in range(BINARY_STEPS):
            t = (low + high) / 2
            # float32 points as the engine builds them: origin + t·(far − origin), t rounded to float32 by the product
            points = x + t.float().view(-1, 1, 1, 1) * (far - x)
            same = torch.from_numpy(target(points).argmax(1).numpy() == labels)
            low = torch.where(same, t, low)
            high = torch.where(same, high, t)

    write_json(os.path.join(CLASSIFIER_DIR, 'goldens', 'label-only.json'), {
        'description': 'Goldens of the label-only attacks on the demo target (tools/demo-kit/label_only_reference.py): '
                       'augmentation = fraction of the fixed flips/shifts (border repeated, no noise) labelled correctly; '
                       'boundary = binary-search fraction t towards the image of record farIndex, after binarySteps halvings.',
        'ids': [r['id'] for r in chosen],
        'labels': labels.tolist(),
        'member': [int(r['member']) for r in chosen],
        'predicted': predicted.tolist(),
        'augmentations': [{'flip': f, 'shiftX': sx, 'shiftY': sy} for f, sx, sy in AUGMENTATIONS],
        'augmentationScores': fractions,
        'binarySteps': BINARY_STEPS,
        'farIndex': far_index,
        'boundaryT': high.tolist(),
    })
    print('fractions', fractions)
    print('t', high.tolist())


if __name__ == '__main__':
    main()
