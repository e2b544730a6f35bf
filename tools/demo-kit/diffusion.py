"""Diffusion family: a tiny DDPM epsilon-prediction UNet on 16x16 Fashion-MNIST.
Writes resources/demo/diffusion/.

Run with Debian's python3:  /usr/bin/python3 diffusion.py [--steps N] [--explore]
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import log  # noqa: E402  (sets OMP_WAIT_POLICY and torch threads first)
import common  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join(common.DEMO_DIR, 'diffusion')
N_MEM, N_NON = 256, 256
SPLIT_SEED = 121
TRAIN_SEED = 343
ATTACK_SEED = 565
GOLDEN_NOISE_SEED = 787
STEPS = 3000
BATCH = 64
LR = 1e-3
SIZE = 16
T = 1000
BETA_START, BETA_END = 1e-4, 0.02
SCHEDULER = {'_class_name': 'DDPMScheduler', 'num_train_timesteps': T, 'beta_start': BETA_START,
             'beta_end': BETA_END, 'beta_schedule': 'linear', 'prediction_type': 'epsilon',
             'clip_sample': False}
PREPROCESS = {'width': SIZE, 'height': SIZE, 'channels': 1, 'scale': 1.0 / 255.0, 'mean': [0.5],
              'std': [0.5], 'layout': 'NCHW', 'range': [-1.0, 1.0]}

# float64 schedule: beta_i = beta_start + i (beta_end - beta_start)/(T-1); abar_t = prod_{s<=t} (1 - beta_s)
BETAS = np.linspace(BETA_START, BETA_END, T, dtype=np.float64)
ABAR = np.cumprod(1.0 - BETAS)


# ----------------------------------------------------------------------------- model

def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.to(torch.float32).unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.n1 = nn.GroupNorm(8, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.tp = nn.Linear(tdim, cout)
        self.n2 = nn.GroupNorm(8, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.tp(temb).unsqueeze(-1).unsqueeze(-1)
        h = self.c2(F.silu(self.n2(h)))
        return h + self.skip(x)


class TinyUNet(nn.Module):
    """16x16 -> 8x8 -> 4x4 UNet, channels (32, 64, 64), one ResBlock per level."""

    def __init__(self, ch=(32, 64, 64), tdim=128):
        super().__init__()
        c0, c1, c2 = ch
        self.tdim = tdim
        self.temb = nn.Sequential(nn.Linear(64, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.inc = nn.Conv2d(1, c0, 3, padding=1)
        self.d0 = ResBlock(c0, c0, tdim)
        self.down0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.d1 = ResBlock(c0, c1, tdim)
        self.down1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.mid = ResBlock(c1, c2, tdim)
        self.up1c = nn.Conv2d(c2, c2, 3, padding=1)
        self.u1 = ResBlock(c2 + c1, c1, tdim)
        self.up0c = nn.Conv2d(c1, c1, 3, padding=1)
        self.u0 = ResBlock(c1 + c0, c0, tdim)
        self.outn = nn.GroupNorm(8, c0)
        self.outc = nn.Conv2d(c0, 1, 3, padding=1)

    def forward(self, x, t):
        temb = self.temb(timestep_embedding(t, 64))
        h0 = self.d0(self.inc(x), temb)                         # 16x16
        h1 = self.d1(self.down0(h0), temb)                      # 8x8
        m = self.mid(self.down1(h1), temb)                      # 4x4
        u = self.up1c(F.interpolate(m, scale_factor=2.0, mode='nearest'))
        u = self.u1(torch.cat([u, h1], dim=1), temb)            # 8x8
        u = self.up0c(F.interpolate(u, scale_factor=2.0, mode='nearest'))
        u = self.u0(torch.cat([u, h0], dim=1), temb)            # 16x16
        return self.outc(F.silu(self.outn(u)))


# ----------------------------------------------------------------------------- DDIM helpers (float64)

class Denoiser:
    """Wraps the torch model: float64 numpy in (cast to float32 for the model), float64 out."""

    def __init__(self, model, batch=512):
        self.model = model
        self.batch = batch
        self.calls = 0

    def __call__(self, x, t):
        x = np.asarray(x, dtype=np.float64)
        tt = np.broadcast_to(np.asarray(t, dtype=np.int64), (x.shape[0],))
        outs = []
        with torch.no_grad():
            for i in range(0, x.shape[0], self.batch):
                xb = torch.from_numpy(x[i:i + self.batch].astype(np.float32))
                tb = torch.from_numpy(np.ascontiguousarray(tt[i:i + self.batch]))
                outs.append(self.model(xb, tb).numpy().astype(np.float64))
        self.calls += 1
        return np.concatenate(outs)


def x0_hat(x_t, t, eps):
    return (x_t - math.sqrt(1.0 - ABAR[t]) * eps) / math.sqrt(ABAR[t])


def ddim_step(eps_fn, x_t, t, t_next):
    """One deterministic DDIM step t -> t_next (either direction). t_next <= 0 returns x0_hat
    only when stepping down (denoising); returns (x_next, eps, x0)."""
    eps = eps_fn(x_t, t)
    x0 = x0_hat(x_t, t, eps)
    if t_next <= 0 and t_next < t:
        return x0, eps, x0
    return math.sqrt(ABAR[t_next]) * x0 + math.sqrt(1.0 - ABAR[t_next]) * eps, eps, x0


def ddim_denoise(eps_fn, x_t, t, stride):
    cur, x = t, x_t
    while cur > 0:
        x, _, _ = ddim_step(eps_fn, x, cur, cur - stride)
        cur -= stride
    return x


def ddim_invert(eps_fn, x0, t_end, stride):
    x, cur = x0, 0
    while cur < t_end:
        x, _, _ = ddim_step(eps_fn, x, cur, cur + stride)
        cur += stride
    return x


def noisy(x, t, eps):
    return math.sqrt(ABAR[t]) * x + math.sqrt(1.0 - ABAR[t]) * eps


def flat_sum(a, p=2):
    return (np.abs(a) ** p).reshape(a.shape[0], -1).sum(1)


def rediffuse_stat(eps_fn, x, noise, t=200, stride=100):
    """x: [B,1,H,W]; noise: [B,n,1,H,W]. Returns ||x - mean_r recon_r||^2 per record."""
    b, n = noise.shape[:2]
    xs = np.repeat(x, n, axis=0)                               # record-major: b0r0, b0r1, ...
    rec = ddim_denoise(eps_fn, noisy(xs, t, noise.reshape(b * n, *x.shape[1:])), t, stride)
    mean = rec.reshape(b, n, *x.shape[1:]).mean(1)
    return flat_sum(x - mean, 2)


def pia_stat(eps_fn, x, t=200):
    e0 = eps_fn(x, 0)
    return flat_sum(e0 - eps_fn(noisy(x, t, e0), t), 4)


def secmi_stat(eps_fn, x, t_sec=100, stride=10):
    xt = ddim_invert(eps_fn, x, t_sec, stride)
    up, _, _ = ddim_step(eps_fn, xt, t_sec, t_sec + stride)
    back, _, _ = ddim_step(eps_fn, up, t_sec + stride, t_sec)
    return flat_sum(back - xt, 2)


def loss_stat(eps_fn, x, noise, t=100):
    b, n = noise.shape[:2]
    xs = np.repeat(x, n, axis=0)
    e = noise.reshape(b * n, *x.shape[1:])
    err = flat_sum(e - eps_fn(noisy(xs, t, e), t), 2)
    return err.reshape(b, n).mean(1)


# ----------------------------------------------------------------------------- main

def downscale(img28):
    from PIL import Image
    return np.array(Image.fromarray(img28, mode='L').resize((SIZE, SIZE), Image.BILINEAR), dtype=np.uint8)


def preprocess16(u8):
    return common.preprocess_u8(u8).numpy().astype(np.float64)


def attack_all(eps_fn, X, seed):
    g = torch.Generator().manual_seed(seed)
    n = X.shape[0]
    nz_r = torch.randn((n, 10, 1, SIZE, SIZE), generator=g).numpy().astype(np.float64)
    nz_l = torch.randn((n, 4, 1, SIZE, SIZE), generator=g).numpy().astype(np.float64)
    return {'rediffuse': -rediffuse_stat(eps_fn, X, nz_r), 'pia': -pia_stat(eps_fn, X),
            'secmi': -secmi_stat(eps_fn, X), 'loss': -loss_stat(eps_fn, X, nz_l)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=STEPS)
    ap.add_argument('--explore', action='store_true', help='train only (with --monitor: quick attack AUCs)')
    ap.add_argument('--monitor', action='store_true', help='log quick ReDiffuse(n=2)/PIA AUCs every 1000 steps')
    ap.add_argument('--checkpoint-dir', help='save the weights every 1000 steps to this folder')
    ap.add_argument('--from-checkpoint', help='skip training: load weights saved by --checkpoint-dir '
                                              '(must be the checkpoint of step --steps)')
    args = ap.parse_args()
    timer = common.Timer()
    images, labels = common.load_fashion_train()
    idx = np.random.default_rng(SPLIT_SEED).permutation(common.family_indices('diffusion'))
    mem, non = np.sort(idx[:N_MEM]), np.sort(idx[N_MEM:N_MEM + N_NON])
    rows = []
    for arr, member in ((mem, 1), (non, 0)):
        for i in arr:
            rid = common.fm_id(i)
            rows.append(dict(id=rid, index=int(i), path='images/%s.png' % rid, label=int(labels[i]),
                             caption='', member=member, role='audit', img=downscale(images[i])))
    rows.sort(key=lambda r: r['id'])
    y = np.array([r['member'] for r in rows])
    X_all = preprocess16(np.stack([r['img'] for r in rows]))
    Xtr = torch.from_numpy(X_all[y == 1].astype(np.float32))

    torch.manual_seed(TRAIN_SEED)
    gen = torch.Generator().manual_seed(TRAIN_SEED + 1)
    model = TinyUNet()
    n_params = sum(p.numel() for p in model.parameters())
    log('UNet params %d' % n_params)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    abar32 = torch.from_numpy(ABAR.astype(np.float32))
    t_train = common.Timer()
    ema_loss = None
    if args.from_checkpoint:
        ck = torch.load(args.from_checkpoint)
        assert ck['step'] == args.steps, 'checkpoint is from step %d' % ck['step']
        model.load_state_dict(ck['model'])
    for step in range(1, 0 if args.from_checkpoint else args.steps + 1):
        model.train()
        b = torch.randint(0, Xtr.shape[0], (BATCH,), generator=gen)
        t = torch.randint(0, T, (BATCH,), generator=gen)
        eps = torch.randn((BATCH, 1, SIZE, SIZE), generator=gen)
        a = abar32[t].view(-1, 1, 1, 1)
        xt = a.sqrt() * Xtr[b] + (1 - a).sqrt() * eps
        loss = F.mse_loss(model(xt, t), eps)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema_loss = float(loss) if ema_loss is None else 0.99 * ema_loss + 0.01 * float(loss)
        if step % 500 == 0:
            log('step %d loss %.4f (%.0fs)' % (step, ema_loss, t_train.elapsed()))
        if args.checkpoint_dir and step % 1000 == 0:
            os.makedirs(args.checkpoint_dir, exist_ok=True)
            torch.save({'step': step, 'model': model.state_dict(), 'train_seconds': t_train.elapsed()},
                       os.path.join(args.checkpoint_dir, 'unet-step%05d.pt' % step))
        if args.monitor and step % 1000 == 0:
            model.eval()
            fn = Denoiser(model)
            g = torch.Generator().manual_seed(1)
            nz = torch.randn((X_all.shape[0], 2, 1, SIZE, SIZE), generator=g).numpy().astype(np.float64)
            r = common.roc_summary(-rediffuse_stat(fn, X_all, nz), y)
            p = common.roc_summary(-pia_stat(fn, X_all), y)
            log('  step %d: ReDiffuse(n=2) AUC %.3f  PIA AUC %.3f' % (step, r['auc'], p['auc']))
            model.train()
    train_seconds = ck['train_seconds'] if args.from_checkpoint else t_train.elapsed()
    if args.explore:
        return
    model.eval()

    # ------------------------------------------------------------------ files
    img_dir = common.ensure_dir(os.path.join(OUT, 'images'))
    gold = common.ensure_dir(os.path.join(OUT, 'goldens'))
    done_flag = os.path.join(OUT, 'DONE')
    if os.path.exists(done_flag):
        os.remove(done_flag)
    for fn_ in os.listdir(img_dir):
        os.remove(os.path.join(img_dir, fn_))
    for r in rows:
        common.save_png_gray(os.path.join(OUT, r['path']), r['img'])
    common.write_manifest(os.path.join(OUT, 'manifest.csv'), rows)
    common.write_json(os.path.join(OUT, 'scheduler.json'), SCHEDULER)
    common.export_onnx(model, (torch.zeros(2, 1, SIZE, SIZE), torch.zeros(2, dtype=torch.int64)),
                       os.path.join(OUT, 'unet.onnx'), ['x', 't'], ['epsilon'])
    training = {'members': N_MEM, 'steps': args.steps, 'batch': BATCH, 'optimizer': 'Adam', 'lr': LR,
                'grad_clip_norm': 1.0, 'ema': False, 'timesteps': 'uniform 0..999',
                'loss': 'MSE(epsilon)', 'seed': TRAIN_SEED, 'params': n_params,
                'train_seconds': round(train_seconds, 1)}
    common.write_json(os.path.join(OUT, 'unet.json'), {
        'kind': 'diffusion', 'preprocess': PREPROCESS, 'output': 'epsilon', 'prediction_type': 'epsilon',
        'input_names': ['x', 't'], 'input_dtypes': ['float32', 'int64'], 'output_name': 'epsilon',
        'scheduler': 'scheduler.json', 'sample_size': SIZE, 'training': training})

    # ------------------------------------------------------------------ goldens (from PNGs on disk)
    u8 = np.stack([common.load_png_gray(os.path.join(OUT, r['path'])) for r in rows])
    X = preprocess16(u8)
    assert np.array_equal(X, X_all)
    fn = Denoiser(model)
    ids = [r['id'] for r in rows]

    # parity: 4 records, t = 0, 200, 500, 999 (clean preprocessed x as the noisy input)
    tpar = np.array([0, 200, 500, 999], dtype=np.int64)
    with torch.no_grad():
        eps_par = model(torch.from_numpy(X[:4].astype(np.float32)), torch.from_numpy(tpar)).numpy()
    common.write_json(os.path.join(gold, 'parity.json'), {
        'ids': ids[:4], 'preprocess': PREPROCESS, 'model': 'unet.onnx',
        'x': common.tensor_bin(gold, 'parity-x.bin', X[:4].astype(np.float32)),
        't': common.tensor_inline(tpar, 'int64'),
        'epsilon': common.tensor_bin(gold, 'parity-epsilon.bin', eps_par)})

    # (a) DDIM helper goldens: records 0 and 1 (one member, one non-member if possible)
    i_mem = int(np.nonzero(y == 1)[0][0])
    i_non = int(np.nonzero(y == 0)[0][0])
    sel = [i_mem, i_non]
    x2 = X[sel]
    g = torch.Generator().manual_seed(GOLDEN_NOISE_SEED)
    noise2 = torch.randn((2, 1, SIZE, SIZE), generator=g).numpy().astype(np.float64)
    x_t = noisy(x2, 200, noise2)
    eps_t = fn(x_t, 200)
    x0 = x0_hat(x_t, 200, eps_t)
    step_100, _, _ = ddim_step(fn, x_t, 200, 100)
    walk = ddim_denoise(fn, x_t, 200, 100)
    inv10, _, _ = ddim_step(fn, x2, 0, 10)
    inv20, _, _ = ddim_step(fn, inv10, 10, 20)
    assert np.allclose(inv20, ddim_invert(fn, x2, 20, 10))

    def b(name, arr):
        return common.tensor_bin(gold, name, np.asarray(arr, dtype=np.float32))
    common.write_json(os.path.join(gold, 'ddim.json'), {
        'description': 'DDIM helper goldens (src-main/engine/diffusion/ddim.ts); arrays float32 little-endian; '
                       'computed in float64, model inputs cast to float32.',
        'ids': [ids[i] for i in sel], 't': 200,
        'x': b('ddim-x.bin', x2), 'noise': b('ddim-noise.bin', noise2),
        'x_t': b('ddim-x_t.bin', x_t), 'eps_theta_x_t': b('ddim-eps_t.bin', eps_t),
        'x0_hat': b('ddim-x0_hat.bin', x0), 'step_200_to_100': b('ddim-step_200_100.bin', step_100),
        'walk_200_100_0': b('ddim-walk_200_100_0.bin', walk),
        'inversion_0_10': b('ddim-inv_10.bin', inv10), 'inversion_0_10_20': b('ddim-inv_20.bin', inv20),
        'alpha_bar': {str(t): float(ABAR[t]) for t in (0, 10, 20, 100, 110, 200)}})

    # (b) 8 records with supplied noise
    sel8 = list(np.nonzero(y == 1)[0][:4]) + list(np.nonzero(y == 0)[0][:4])
    x8 = X[sel8]
    g = torch.Generator().manual_seed(GOLDEN_NOISE_SEED + 1)
    nz_r = torch.randn((8, 10, 1, SIZE, SIZE), generator=g).numpy()
    nz_l = torch.randn((8, 4, 1, SIZE, SIZE), generator=g).numpy()
    s8 = {'rediffuse': -rediffuse_stat(fn, x8, nz_r.astype(np.float64)),
          'pia': -pia_stat(fn, x8), 'secmi': -secmi_stat(fn, x8),
          'loss': -loss_stat(fn, x8, nz_l.astype(np.float64))}
    common.write_json(os.path.join(gold, 'attacks-8.json'), {
        'ids': [ids[i] for i in sel8], 'member': [int(y[i]) for i in sel8],
        'x': b('attacks8-x.bin', x8),
        'rediffuse_noise': common.tensor_bin(gold, 'attacks8-rediffuse-noise.bin', nz_r),
        'loss_noise': common.tensor_bin(gold, 'attacks8-loss-noise.bin', nz_l),
        'params': {'rediffuse': {'n': 10, 't': 200, 'stride': 100, 'distance': 'l2 (squared, summed)'},
                   'pia': {'t': 200, 'norm': 'sum |.|^4'}, 'secmi': {'t_sec': 100, 'stride': 10},
                   'loss': {'t': 100, 'n': 4}},
        'scores': {k: [float(v) for v in s] for k, s in s8.items()}})

    # all audit records with our own seeded noise
    t_att = common.Timer()
    scores = attack_all(fn, X, ATTACK_SEED)
    attack_seconds = t_att.elapsed()
    metrics = {k: common.roc_summary(s, y) for k, s in scores.items()}
    # blind baseline: logistic regression on 8x8 block means, 5-fold CV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.metrics import roc_auc_score
    feats = u8.astype(np.float64).reshape(-1, 8, 2, 8, 2).mean(axis=(2, 4)).reshape(-1, 64) / 255.0
    p = cross_val_predict(LogisticRegression(max_iter=2000), feats, y,
                          cv=StratifiedKFold(5, shuffle=True, random_state=0), method='predict_proba')[:, 1]
    blind = float(roc_auc_score(y, p))
    common.write_json(os.path.join(gold, 'scores.json'), {
        'description': 'Scores (higher = member, statistics negated) for every audit record with noise drawn '
                       'by torch.Generator().manual_seed(%d): rediffuse noise [512,10,1,16,16] then loss noise '
                       '[512,4,1,16,16]; PIA and SecMI are deterministic.' % ATTACK_SEED,
        'ids': ids, 'member': [int(v) for v in y],
        'scores': {k: [float(v) for v in s] for k, s in scores.items()},
        'metrics': metrics, 'blind_baseline_auc': blind,
        'model_calls_per_record': {'rediffuse': 20, 'pia': 2, 'secmi': 12, 'loss': 4}}, indent=None)
    summary = {'family': 'diffusion', 'counts': {'audit_members': N_MEM, 'audit_nonmembers': N_NON},
               'training': training, 'metrics': metrics, 'blind_baseline_auc': blind,
               'attack_seconds': round(attack_seconds, 1), 'total_seconds': round(timer.elapsed(), 1)}
    common.write_json(os.path.join(gold, 'summary.json'), summary)
    with open(done_flag, 'w') as f:
        f.write('diffusion demo family complete\n')
    log('diffusion: ' + ', '.join('%s AUC %.3f' % (k, v['auc']) for k, v in metrics.items()) +
        '; blind %.3f' % blind)
    log('diffusion done in %.1fs; size %.2f MB' % (timer.elapsed(), common.file_size_tree(OUT) / 1e6))


if __name__ == '__main__':
    main()
