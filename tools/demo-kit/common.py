"""Shared helpers for the MIA Workbench demo kit.

Every family script (classifier.py, clip_family.py, diffusion.py) imports this module
first so that the thread settings are applied before torch is imported.
"""
import os

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import csv
import glob
import gzip
import io
import json
import struct
import sys
import time

import numpy as np
import torch

torch.set_num_threads(2)

KIT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(KIT_DIR, '..', '..'))
DEMO_DIR = os.path.join(REPO_ROOT, 'resources', 'demo')

FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
                   'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']

# One global, seeded permutation of the 60,000 Fashion-MNIST training images; each family
# takes its own disjoint slice of it, so no image appears in two families.
GLOBAL_PERMUTATION_SEED = 20240601
SLICES = {
    'classifier': (0, 8000),
    'clip': (8000, 14000),
    'diffusion': (14000, 16000),
}


def log(msg):
    print(time.strftime('%H:%M:%S'), msg, flush=True)


# ----------------------------------------------------------------------------- data

def find_fashion_mnist_dir():
    """Locate Debian's dataset-fashion-mnist IDX files (env FASHION_MNIST_DIR overrides)."""
    env = os.environ.get('FASHION_MNIST_DIR')
    candidates = [env] if env else []
    candidates += [os.path.join('/usr/share/datasets', 'fashion-mnist')]
    for c in candidates:
        if c and (os.path.exists(os.path.join(c, 'train-images-idx3-ubyte.gz'))
                  or os.path.exists(os.path.join(c, 'train-images-idx3-ubyte'))):
            return c
    hits = glob.glob('/usr/share/**/train-images-idx3-ubyte*', recursive=True)
    hits = [h for h in hits if 'fashion' in h.lower()]
    if hits:
        return os.path.dirname(sorted(hits)[0])
    raise SystemExit('Fashion-MNIST IDX files not found: apt-get install dataset-fashion-mnist '
                     'or set FASHION_MNIST_DIR')


def _read_idx(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    assert zero == 0 and dtype == 0x08, 'unexpected IDX header'
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims).copy()


def load_fashion_train():
    d = find_fashion_mnist_dir()

    def pick(stem):
        for name in (stem + '.gz', stem):
            p = os.path.join(d, name)
            if os.path.exists(p):
                return p
        raise SystemExit('missing ' + stem)
    images = _read_idx(pick('train-images-idx3-ubyte'))
    labels = _read_idx(pick('train-labels-idx1-ubyte')).astype(np.int64)
    assert images.shape == (60000, 28, 28) and labels.shape == (60000,)
    return images, labels


def family_indices(family):
    rng = np.random.default_rng(GLOBAL_PERMUTATION_SEED)
    perm = rng.permutation(60000)
    a, b = SLICES[family]
    return perm[a:b]


def fm_id(index):
    return 'fm-train-%05d' % index


# ----------------------------------------------------------------------------- files

def ensure_dir(path):
    os.makedirs(path, exist_ok=True)
    return path


def save_png_gray(path, array_u8):
    from PIL import Image
    arr = np.asarray(array_u8, dtype=np.uint8)
    Image.fromarray(arr, mode='L').save(path, optimize=True)


def load_png_gray(path):
    from PIL import Image
    with Image.open(path) as im:
        assert im.mode == 'L', path
        return np.array(im, dtype=np.uint8)


MANIFEST_HEADER = ['id', 'path', 'label', 'caption', 'member', 'role']


def write_manifest(path, rows):
    """rows: dicts with id, path, label, caption, member (1/0/None), role."""
    ids = set()
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n', quoting=csv.QUOTE_MINIMAL)
        w.writerow(MANIFEST_HEADER)
        for r in rows:
            assert r['id'] not in ids, r['id']
            ids.add(r['id'])
            member = '' if r.get('member') is None else str(int(r['member']))
            w.writerow([r['id'], r['path'], str(int(r['label'])), r.get('caption', '') or '',
                        member, r['role']])


def read_manifest(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def write_json(path, obj, indent=1):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=indent, allow_nan=False)
        f.write('\n')


def tensor_bin(dirpath, name, array, dtype='float32'):
    """Write a little-endian raw tensor file; return its JSON descriptor."""
    arr = np.ascontiguousarray(np.asarray(array), dtype='<f4' if dtype == 'float32' else
                               ('<f8' if dtype == 'float64' else '<i8'))
    with open(os.path.join(dirpath, name), 'wb') as f:
        f.write(arr.tobytes(order='C'))
    return {'file': name, 'dtype': dtype, 'shape': list(arr.shape), 'byte_order': 'little'}


def tensor_inline(array, dtype):
    arr = np.asarray(array)
    if dtype == 'int64':
        data = [int(v) for v in arr.reshape(-1)]
    else:
        data = [float(v) for v in arr.astype(np.float64).reshape(-1)]
    return {'dtype': dtype, 'shape': list(arr.shape), 'data': data}


def file_size_tree(path):
    total = 0
    for root, _, files in os.walk(path):
        for fn in files:
            total += os.path.getsize(os.path.join(root, fn))
    return total


# ----------------------------------------------------------------------------- onnx

def export_onnx(model, args, path, input_names, output_names, dynamic_inputs=None):
    """torch.onnx.export, opset 17, dynamic batch axis named "batch" on every input/output."""
    model.eval()
    dyn = {}
    for n in input_names + output_names:
        dyn[n] = {0: 'batch'}
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=input_names, output_names=output_names,
                          opset_version=17, dynamic_axes=dyn, do_constant_folding=True)


GRAY28_PREPROCESS = {'width': 28, 'height': 28, 'channels': 1, 'scale': 1.0 / 255.0,
                     'mean': [0.5], 'std': [0.5], 'layout': 'NCHW'}


def preprocess_u8(images_u8, scale=1.0 / 255.0, mean=0.5, std=0.5):
    """uint8 [N,H,W] -> float32 [N,1,H,W]: (pixel*scale - mean)/std, computed in float32."""
    x = torch.from_numpy(np.asarray(images_u8, dtype=np.uint8).astype(np.float32))
    x = x * np.float32(scale)
    x = (x - np.float32(mean)) / np.float32(std)
    return x.unsqueeze(1).contiguous()


# ----------------------------------------------------------------------------- metrics

def roc_summary(scores, labels):
    """AUC (sklearn) and TPR at FPR <= 0.1%, 1%, 10% (largest TPR whose FPR <= bound)."""
    from sklearn.metrics import roc_auc_score, roc_curve
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    auc = float(roc_auc_score(labels, scores))
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    n_neg = int((labels == 0).sum())
    out = {'auc': auc, 'n_members': int((labels == 1).sum()), 'n_nonmembers': n_neg}
    for key, alpha in (('tpr_at_0.1%_fpr', 0.001), ('tpr_at_1%_fpr', 0.01), ('tpr_at_10%_fpr', 0.1)):
        if n_neg < 1.0 / alpha - 1e-9:
            out[key] = None
        else:
            out[key] = float(tpr[fpr <= alpha].max())
    return out


class Timer:
    def __init__(self):
        self.t0 = time.time()

    def elapsed(self):
        return time.time() - self.t0
