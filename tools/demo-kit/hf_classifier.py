"""Hugging Face-style classifier folder: a tiny 3-channel CNN with model.onnx, config.json and
preprocessor_config.json, as an auditor receives a model exported with Optimum.

Writes resources/demo/hf-classifier/. Run with Debian's python3:  /usr/bin/python3 hf_classifier.py
It adds no images: it trains on exactly the members of resources/demo/classifier/manifest.csv
(audit and calibration members), so the classifier demo's membership labels are true for this
model too, and its audit.yaml points at that manifest.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa: E402,F401  (sets OMP_WAIT_POLICY and torch threads first)
import common  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402
from torchvision import transforms  # noqa: E402

OUT = os.path.join(common.DEMO_DIR, 'hf-classifier')
MANIFEST_DIR = os.path.join(common.DEMO_DIR, 'classifier')
SEED = 7000
RECIPE = dict(epochs=60, lr=2e-3, batch=32, optimizer='Adam')

# What preprocessor_config.json says, and what training applies through torchvision: the same
# steps a Hugging Face ViTImageProcessor runs (convert RGB, bilinear resize to 32x32, x/255,
# normalise), so the workbench must reproduce them to score the model as it was trained.
SIZE = 32
MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]
PREPROCESSOR_CONFIG = {
    'image_processor_type': 'ViTImageProcessor',
    'do_convert_rgb': True,
    'do_resize': True,
    'size': {'height': SIZE, 'width': SIZE},
    'resample': 2,
    'do_rescale': True,
    'rescale_factor': 1 / 255,
    'do_normalize': True,
    'image_mean': MEAN,
    'image_std': STD,
}
TRANSFORM = transforms.Compose([
    transforms.Lambda(lambda im: im.convert('RGB')),
    transforms.Resize((SIZE, SIZE), interpolation=transforms.InterpolationMode.BILINEAR),
    transforms.ToTensor(),  # x / 255 as float32
    transforms.Normalize(MEAN, STD),
])


class TinyRgbCnn(nn.Module):
    """conv5x5(16) -> tanh -> maxpool2 -> conv5x5(32) -> tanh -> maxpool2 -> FC128 -> tanh -> FC10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 5)
        self.conv2 = nn.Conv2d(16, 32, 5)
        self.fc1 = nn.Linear(32 * 5 * 5, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, pixel_values):
        x = F.max_pool2d(torch.tanh(self.conv1(pixel_values)), 2)
        x = F.max_pool2d(torch.tanh(self.conv2(x)), 2)
        return self.fc2(torch.tanh(self.fc1(x.flatten(1))))


def load(rows):
    xs = []
    for r in rows:
        with Image.open(os.path.join(MANIFEST_DIR, r['path'])) as im:
            xs.append(TRANSFORM(im))
    return torch.stack(xs), torch.tensor([int(r['label']) for r in rows], dtype=torch.int64)


def train(X, Y):
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED + 1)
    model = TinyRgbCnn()
    opt = torch.optim.Adam(model.parameters(), lr=RECIPE['lr'])
    for _ in range(RECIPE['epochs']):
        model.train()
        order = torch.randperm(X.shape[0], generator=gen)
        for i in range(0, X.shape[0], RECIPE['batch']):
            idx = order[i:i + RECIPE['batch']]
            opt.zero_grad()
            F.cross_entropy(model(X[idx]), Y[idx]).backward()
            opt.step()
    return model.eval()


def rank_auc(scores, labels):
    """AUC as the Mann-Whitney statistic (ties count half); scikit-learn is not needed for one number."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    pos, neg = s[y], s[~y]
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def main():
    timer = common.Timer()
    rows = common.read_manifest(os.path.join(MANIFEST_DIR, 'manifest.csv'))
    members = [r for r in rows if r['member'] == '1']
    audit = [r for r in rows if r['role'] == 'audit']
    common.log('training on %d members' % len(members))
    model = train(*load(members))
    common.ensure_dir(OUT)
    for name in ('model.onnx', 'config.json', 'preprocessor_config.json', 'summary.json'):
        if os.path.exists(os.path.join(OUT, name)):
            os.remove(os.path.join(OUT, name))
    common.export_onnx(model, (torch.zeros(1, 3, SIZE, SIZE),), os.path.join(OUT, 'model.onnx'),
                       ['pixel_values'], ['logits'])
    common.write_json(os.path.join(OUT, 'config.json'), {
        'architectures': ['TinyRgbCnn'],
        'num_labels': 10,
        'id2label': {str(i): name for i, name in enumerate(common.FASHION_CLASSES)},
        'label2id': {name: i for i, name in enumerate(common.FASHION_CLASSES)},
    })
    common.write_json(os.path.join(OUT, 'preprocessor_config.json'), PREPROCESSOR_CONFIG)
    # The loss attack's AUC on the audit records, measured here in PyTorch, for the README.
    X, Y = load(audit)
    with torch.no_grad():
        loss = F.cross_entropy(model(X), Y, reduction='none').numpy()
    labels = [int(r['member']) for r in audit]
    auc = rank_auc(-loss, labels)
    with torch.no_grad():
        acc = float((model(X).argmax(1) == Y).float().mean())
    train_seconds = timer.elapsed()
    # What make_readme.py reports in resources/demo/README.md: measured here, never typed in by hand.
    common.write_json(os.path.join(OUT, 'summary.json'), {
        'training': dict(RECIPE, seed=SEED, n_train=len(members)),
        'parameters': sum(p.numel() for p in model.parameters()),
        'seconds': round(train_seconds, 1),
        'audit_accuracy': acc,
        'loss_auc_pytorch': auc,
        'audit_members': sum(labels),
        'audit_nonmembers': len(labels) - sum(labels),
    })
    common.log('audit accuracy %.3f, loss-attack AUC %.4f, %.0f s, %d bytes' % (
        acc, auc, train_seconds, common.file_size_tree(OUT)))


if __name__ == '__main__':
    main()
