"""Classifier family: Shokri-style CNN target, twin, null, 8 shadows, 16 reference models.

Writes resources/demo/classifier/. Run with Debian's python3:  /usr/bin/python3 classifier.py
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
from scipy.special import log_ndtr, logsumexp  # noqa: E402

OUT = os.path.join(common.DEMO_DIR, 'classifier')

# ----------------------------------------------------------------------------- config
N_AUDIT_MEM, N_AUDIT_NON = 500, 500
N_CAL_MEM, N_CAL_NON = 100, 100
N_AUX, N_POP, N_NULL = 2400, 1000, 600
N_SHADOWS, N_REFS = 8, 16
SPLIT_SEED = 101          # record roles
SHADOW_SPLIT_SEED = 202   # shadow draws from aux
REF_SPLIT_SEED = 303      # reference-model halves
MODEL_SEED_BASE = {'target': 1000, 'twin': 2000, 'null': 3000, 'shadow': 4000, 'ref': 5000}

# Recipe of the leaky target (also used for the null model, shadows and references).
LEAKY = dict(epochs=60, lr=2e-3, batch=32, weight_decay=0.0, augment=False, dropout=0.0)
# Better-generalising twin: L2 weight decay (Adam weight_decay), random crop (pad 2) +
# horizontal flip, dropout 0.2 before each fully connected layer, fewer epochs, lower lr.
TWIN = dict(epochs=40, lr=1e-3, batch=32, weight_decay=3e-4, augment=True, dropout=0.2)

C1, C2, HIDDEN = 16, 32, 128


class ShokriCNN(nn.Module):
    """conv5x5(16) -> tanh -> maxpool2 -> conv5x5(32) -> tanh -> maxpool2 -> FC128 -> tanh -> FC10."""

    def __init__(self, dropout=0.0):
        super().__init__()
        self.conv1 = nn.Conv2d(1, C1, 5)
        self.conv2 = nn.Conv2d(C1, C2, 5)
        self.fc1 = nn.Linear(C2 * 4 * 4, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, 10)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        x = F.max_pool2d(torch.tanh(self.conv2(x)), 2)
        x = torch.tanh(self.fc1(self.drop(x.flatten(1))))
        return self.fc2(self.drop(x))


class WithSoftmax(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return torch.softmax(self.inner(x), dim=1)


def augment(xb, gen):
    """Random crop 28x28 from the image padded by 2 (pad value -1 = black) + horizontal flip."""
    n = xb.shape[0]
    padded = F.pad(xb, (2, 2, 2, 2), value=-1.0)
    offs = torch.randint(0, 5, (n, 2), generator=gen)
    flips = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(xb)
    for i in range(n):
        dy, dx = int(offs[i, 0]), int(offs[i, 1])
        v = padded[i, :, dy:dy + 28, dx:dx + 28]
        out[i] = torch.flip(v, dims=[2]) if flips[i] else v
    return out


def train_cnn(X, Y, seed, recipe):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    model = ShokriCNN(recipe['dropout'])
    opt = torch.optim.Adam(model.parameters(), lr=recipe['lr'], weight_decay=recipe['weight_decay'])
    n = X.shape[0]
    for _ in range(recipe['epochs']):
        model.train()
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, recipe['batch']):
            b = perm[i:i + recipe['batch']]
            xb = X[b]
            if recipe['augment']:
                xb = augment(xb, gen)
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), Y[b])
            loss.backward()
            opt.step()
    model.eval()
    return model


def logits_of(model, X):
    with torch.no_grad():
        return torch.cat([model(X[i:i + 500]) for i in range(0, X.shape[0], 500)]).numpy()


def accuracy(logits, y):
    return float((np.asarray(logits).argmax(1) == np.asarray(y)).mean())


# ----------------------------------------------------------------------------- attacks (float64)

def log_softmax64(z):
    z = np.asarray(z, dtype=np.float64)
    return z - logsumexp(z, axis=1, keepdims=True)


def loss_score(z, y):
    p = np.exp(log_softmax64(z))
    py = np.clip(p[np.arange(len(y)), y], 1e-12, 1 - 1e-12)
    return np.log(py)


def phi_logits(z, y):
    z = np.asarray(z, dtype=np.float64)
    zy = z[np.arange(len(y)), y]
    masked = z.copy()
    masked[np.arange(len(y)), y] = -np.inf
    return zy - logsumexp(masked, axis=1)


def norm_logpdf(x, mu, sigma):
    return -0.5 * np.log(2 * np.pi) - np.log(sigma) - 0.5 * ((x - mu) / sigma) ** 2


def lira(phi_target, phi_refs, in_mask):
    """phi_refs: [M, R]; in_mask: [M, R] bool. Fixed (pooled) variance."""
    in_mask = np.asarray(in_mask, dtype=bool)
    out_mask = ~in_mask
    n_in = in_mask.sum(0)
    n_out = out_mask.sum(0)
    mu_in = (phi_refs * in_mask).sum(0) / n_in
    mu_out = (phi_refs * out_mask).sum(0) / n_out
    # pooled standard deviation: sqrt( sum_r sum_{m in IN(r)} (phi - mu_in(r))^2 / sum_r (n_in(r) - 1) )
    ss_in = (((phi_refs - mu_in) ** 2) * in_mask).sum()
    ss_out = (((phi_refs - mu_out) ** 2) * out_mask).sum()
    sigma_in = float(np.sqrt(ss_in / (n_in - 1).sum()))
    sigma_out = float(np.sqrt(ss_out / (n_out - 1).sum()))
    online = norm_logpdf(phi_target, mu_in, sigma_in) - norm_logpdf(phi_target, mu_out, sigma_out)
    offline = log_ndtr((phi_target - mu_out) / sigma_out)
    return dict(online=online, offline=offline, mu_in=mu_in, mu_out=mu_out,
                sigma_in=sigma_in, sigma_out=sigma_out)


def rmia_offline(py_target_x, py_refs_x, in_mask_x, py_target_z, py_refs_z, in_mask_z, a=0.3, gamma=1.0):
    def pr_x(py_refs, in_mask):
        out = ~np.asarray(in_mask, dtype=bool)
        pr_out = (py_refs * out).sum(0) / out.sum(0)
        return pr_out, 0.5 * ((1 + a) * pr_out + (1 - a))
    pr_out_x, prx = pr_x(py_refs_x, in_mask_x)
    _, prz = pr_x(py_refs_z, in_mask_z)
    ratio_x = py_target_x / prx
    ratio_z = py_target_z / prz
    lr = ratio_x[:, None] / ratio_z[None, :]
    score = (lr >= gamma).mean(1)
    return score, pr_out_x


def py_of(z, y):
    p = np.exp(log_softmax64(z))
    return p[np.arange(len(y)), y]


# ----------------------------------------------------------------------------- main

def main():
    timer = common.Timer()
    images, labels = common.load_fashion_train()
    idx = common.family_indices('classifier')
    rng = np.random.default_rng(SPLIT_SEED)
    idx = rng.permutation(idx)
    cuts = np.cumsum([N_AUDIT_MEM, N_AUDIT_NON, N_CAL_MEM, N_CAL_NON, N_AUX, N_POP, N_NULL])
    parts = np.split(idx, cuts)
    audit_mem, audit_non, cal_mem, cal_non, aux, pop, null_train = [np.sort(p) for p in parts[:7]]

    img_dir = common.ensure_dir(os.path.join(OUT, 'images'))
    common.ensure_dir(os.path.join(OUT, 'shadows'))
    common.ensure_dir(os.path.join(OUT, 'reference'))
    gold = common.ensure_dir(os.path.join(OUT, 'goldens'))
    done_flag = os.path.join(OUT, 'DONE')
    if os.path.exists(done_flag):
        os.remove(done_flag)

    # --- manifest + PNGs
    rows = []
    role_sets = [('audit', audit_mem, 1), ('audit', audit_non, 0), ('calibration', cal_mem, 1),
                 ('calibration', cal_non, 0), ('aux', aux, 0), ('population', pop, 0)]
    for role, arr, member in role_sets:
        for i in arr:
            rid = common.fm_id(i)
            rows.append(dict(id=rid, path='images/%s.png' % rid, label=int(labels[i]), caption='',
                             member=member, role=role))
    role_order = {'audit': 0, 'calibration': 1, 'aux': 2, 'population': 3}
    rows.sort(key=lambda r: (role_order[r['role']], r['id']))
    for fn in os.listdir(img_dir):
        os.remove(os.path.join(img_dir, fn))
    for r in rows:
        common.save_png_gray(os.path.join(OUT, r['path']), images[int(r['id'][-5:])])
    common.write_manifest(os.path.join(OUT, 'manifest.csv'), rows)
    log('manifest: %d rows, %d PNGs' % (len(rows), len(rows)))

    # Pixels as written on disk (PNG is lossless; re-read to be sure).
    def load_ids(ids):
        return np.stack([common.load_png_gray(os.path.join(img_dir, '%s.png' % i)) for i in ids])

    def X_of(indices):
        return common.preprocess_u8(images[indices])

    def Y_of(indices):
        return torch.from_numpy(labels[indices])

    sidecar_base = {'kind': 'classifier', 'preprocess': common.GRAY28_PREPROCESS, 'classes': 10,
                    'class_names': common.FASHION_CLASSES, 'input_name': 'pixel_values'}
    dummy = torch.zeros(2, 1, 28, 28)
    timings = {}
    accs = {}

    def fit_and_export(name, path, train_idx, seed, recipe, held_idx, extra=None):
        t = common.Timer()
        model = train_cnn(X_of(train_idx), Y_of(train_idx), seed, recipe)
        timings[name] = round(t.elapsed(), 1)
        common.export_onnx(model, dummy, path, ['pixel_values'], ['logits'])
        side = dict(sidecar_base, output='logits', output_name='logits')
        side['training'] = dict(recipe, optimizer='Adam', seed=seed, n_train=int(len(train_idx)))
        if extra:
            side.update(extra)
        common.write_json(path[:-5] + '.json', side)
        accs[name] = {'train': accuracy(logits_of(model, X_of(train_idx)), labels[train_idx]),
                      'held_out': accuracy(logits_of(model, X_of(held_idx)), labels[held_idx])}
        log('%s: %.1fs  acc train %.3f held-out %.3f' % (name, timings[name], accs[name]['train'],
                                                          accs[name]['held_out']))
        return model

    target_train = np.sort(np.concatenate([audit_mem, cal_mem]))
    target_held = np.sort(np.concatenate([audit_non, cal_non]))
    models = {}
    models['target'] = fit_and_export('target', os.path.join(OUT, 'target.onnx'), target_train,
                                      MODEL_SEED_BASE['target'], LEAKY, target_held,
                                      {'description': 'leaky target: trained on the audit and calibration members'})
    probs_model = WithSoftmax(models['target']).eval()
    common.export_onnx(probs_model, dummy, os.path.join(OUT, 'target_probs.onnx'), ['pixel_values'],
                       ['probabilities'])
    common.write_json(os.path.join(OUT, 'target_probs.json'),
                      dict(sidecar_base, output='probabilities', output_name='probabilities',
                           description='target.onnx with a softmax at the end of the graph'))
    models['twin'] = fit_and_export('twin', os.path.join(OUT, 'twin.onnx'), target_train,
                                    MODEL_SEED_BASE['twin'], TWIN, target_held,
                                    {'description': 'same members as target, regularised '
                                     '(weight decay, crop+flip augmentation, dropout)'})
    models['null'] = fit_and_export('null', os.path.join(OUT, 'null.onnx'), null_train,
                                    MODEL_SEED_BASE['null'], LEAKY, target_held,
                                    {'description': 'null model: trained on 600 records outside the '
                                     'manifest (none of its records are audited)',
                                     'trained_on_ids': [common.fm_id(i) for i in null_train]})

    # --- shadows
    srng = np.random.default_rng(SHADOW_SPLIT_SEED)
    shadow_entries = []
    for k in range(N_SHADOWS):
        draw = srng.choice(aux, size=1200, replace=False)
        s_in, s_out = draw[:600], draw[600:]
        name = 'shadow_%02d' % k
        m = fit_and_export(name, os.path.join(OUT, 'shadows', name + '.onnx'), s_in,
                           MODEL_SEED_BASE['shadow'] + k, LEAKY, s_out)
        if k == 0:
            models['shadow_00'] = m
        shadow_entries.append({'path': name + '.onnx', 'trained_on': [common.fm_id(i) for i in s_in],
                               'held_out': [common.fm_id(i) for i in s_out]})
    common.write_json(os.path.join(OUT, 'shadows', 'manifest.json'), {'models': shadow_entries})

    # --- reference models: complementary pairs of random halves of audit+calibration
    pool = np.sort(np.concatenate([audit_mem, audit_non, cal_mem, cal_non]))
    rrng = np.random.default_rng(REF_SPLIT_SEED)
    ref_entries, ref_models, ref_in = [], [], []
    for pair in range(N_REFS // 2):
        perm = rrng.permutation(pool)
        halves = [np.sort(perm[:600]), np.sort(perm[600:])]
        for h in range(2):
            k = 2 * pair + h
            name = 'ref_%02d' % k
            m = fit_and_export(name, os.path.join(OUT, 'reference', name + '.onnx'), halves[h],
                               MODEL_SEED_BASE['ref'] + k, LEAKY, halves[1 - h])
            ref_models.append(m)
            ref_in.append(set(int(i) for i in halves[h]))
            ref_entries.append({'path': name + '.onnx', 'trained_on': [common.fm_id(i) for i in halves[h]]})
    common.write_json(os.path.join(OUT, 'reference', 'manifest.json'), {'models': ref_entries})
    models['ref_00'] = ref_models[0]
    train_time = timer.elapsed()

    # ------------------------------------------------------------------ goldens
    audit_ids = [r['id'] for r in rows if r['role'] == 'audit']
    audit_idx = np.array([int(i[-5:]) for i in audit_ids])
    audit_member = np.array([r['member'] for r in rows if r['role'] == 'audit'], dtype=np.int64)
    pop_ids = [r['id'] for r in rows if r['role'] == 'population']
    pop_idx = np.array([int(i[-5:]) for i in pop_ids])

    Xa = common.preprocess_u8(load_ids(audit_ids))
    Xp = common.preprocess_u8(load_ids(pop_ids))
    ya, yp = labels[audit_idx], labels[pop_idx]

    # parity goldens: first 4 audit records
    par_ids = audit_ids[:4]
    Xpar = Xa[:4]
    parity = {'ids': par_ids, 'labels': [int(v) for v in ya[:4]],
              'preprocess': common.GRAY28_PREPROCESS,
              'input': common.tensor_bin(gold, 'parity-input.bin', Xpar.numpy()),
              'input_name': 'pixel_values', 'models': {}}
    for name, path in [('target', 'target.onnx'), ('target_probs', 'target_probs.onnx'), ('twin', 'twin.onnx'),
                       ('null', 'null.onnx'), ('shadow_00', 'shadows/shadow_00.onnx'),
                       ('ref_00', 'reference/ref_00.onnx')]:
        m = probs_model if name == 'target_probs' else models[name]
        with torch.no_grad():
            out = m(Xpar).numpy()
        parity['models'][name] = {'model': path,
                                  'output_name': 'probabilities' if name == 'target_probs' else 'logits',
                                  'output': common.tensor_inline(out.astype(np.float32), 'float32')}
    common.write_json(os.path.join(gold, 'parity.json'), parity)

    # scores
    ref_logits_a = np.stack([logits_of(m, Xa) for m in ref_models]).astype(np.float64)  # [M,N,10]
    ref_logits_p = np.stack([logits_of(m, Xp) for m in ref_models]).astype(np.float64)
    in_a = np.array([[int(i) in s for i in audit_idx] for s in ref_in])
    in_p = np.array([[int(i) in s for i in pop_idx] for s in ref_in])
    assert not in_p.any()
    phi_refs = np.stack([phi_logits(ref_logits_a[m], ya) for m in range(N_REFS)])
    py_refs_a = np.stack([py_of(ref_logits_a[m], ya) for m in range(N_REFS)])
    py_refs_p = np.stack([py_of(ref_logits_p[m], yp) for m in range(N_REFS)])

    results, per_model_scores, extras = {}, {}, {}
    for name in ['target', 'twin', 'null']:
        za = logits_of(models[name], Xa).astype(np.float64)
        zp = logits_of(models[name], Xp).astype(np.float64)
        phi_t = phi_logits(za, ya)
        L = lira(phi_t, phi_refs, in_a)
        rm, pr_out = rmia_offline(py_of(za, ya), py_refs_a, in_a, py_of(zp, yp), py_refs_p, in_p)
        scores = {'loss': loss_score(za, ya), 'lira_online': L['online'],
                  'lira_offline': L['offline'], 'rmia_offline': rm}
        per_model_scores[name] = {k: [float(v) for v in s] for k, s in scores.items()}
        results[name] = {k: common.roc_summary(s, audit_member) for k, s in scores.items()}
        extras[name] = {'phi_target': [float(v) for v in phi_t]}
        if name == 'target':
            extras['lira_mu_in'] = [float(v) for v in L['mu_in']]
            extras['lira_mu_out'] = [float(v) for v in L['mu_out']]
            extras['lira_sigma_in'] = L['sigma_in']
            extras['lira_sigma_out'] = L['sigma_out']
            extras['rmia_pr_out'] = [float(v) for v in pr_out]
        log('%s: ' % name + ', '.join('%s AUC %.3f TPR@1%% %.3f' % (k, v['auc'], v['tpr_at_1%_fpr'])
                                      for k, v in results[name].items()))

    scores_golden = {
        'description': 'Per-record attack scores for every audit record of manifest.csv (order = ids), '
                       'computed in float64 from the torch logits; see resources/demo/README.md.',
        'ids': audit_ids, 'labels': [int(v) for v in ya], 'member': [int(v) for v in audit_member],
        'params': {'loss': {'clamp': [1e-12, 1 - 1e-12]},
                   'lira': {'reference_manifest': 'reference/manifest.json', 'fixed_variance': True,
                            'variance': 'pooled over all audit records: sigma^2 = sum_r sum_{m in SET(r)} '
                                        '(phi_m(r) - mu_SET(r))^2 / sum_r (|SET(r)| - 1)',
                            'phi': 'z_y - logsumexp_{k != y} z_k from logits', 'flip_augmentation': False,
                            'online': 'log N(phi; mu_in, sigma_in^2) - log N(phi; mu_out, sigma_out^2) '
                                      '(full log densities)',
                            'offline': 'log Phi((phi - mu_out) / sigma_out)'},
                   'rmia': {'variant': 'offline', 'a': 0.3, 'gamma': 1.0,
                            'population_role': 'population', 'n_population': len(pop_ids),
                            'pr_out': 'mean of p_y over reference models whose manifest does not list the record',
                            'pr_x': '0.5 * ((1 + a) * pr_out + (1 - a))',
                            'score': 'fraction of population z with (p_t(x)/Pr(x)) / (p_t(z)/Pr(z)) >= gamma'}},
        'scores': per_model_scores,
        'intermediate': extras,
        'metrics': results,
    }
    common.write_json(os.path.join(gold, 'scores.json'), scores_golden, indent=None)

    summary = {'family': 'classifier', 'counts': {
        'audit_members': N_AUDIT_MEM, 'audit_nonmembers': N_AUDIT_NON,
        'calibration_members': N_CAL_MEM, 'calibration_nonmembers': N_CAL_NON,
        'aux': N_AUX, 'population': N_POP, 'null_training_records_outside_manifest': N_NULL},
        'recipes': {'leaky': LEAKY, 'twin': TWIN}, 'architecture': {'conv1': C1, 'conv2': C2, 'hidden': HIDDEN,
                                                                 'params': sum(p.numel() for p in models['target'].parameters())},
        'accuracy': accs, 'train_seconds': timings, 'total_seconds': round(timer.elapsed(), 1),
        'training_seconds_all_models': round(train_time, 1), 'metrics': results}
    common.write_json(os.path.join(gold, 'summary.json'), summary)
    with open(done_flag, 'w') as f:
        f.write('classifier demo family complete\n')
    log('classifier done in %.1fs; size %.2f MB' % (timer.elapsed(), common.file_size_tree(OUT) / 1e6))


if __name__ == '__main__':
    main()
