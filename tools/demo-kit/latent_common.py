"""What the two latent demo targets (latent_pipeline.py, dit.py) share: the tiny VAE and its training, the
diffusers-style noise schedules, DDIM helpers that work in a VAE's latent space, the record subsets copied from
an existing demo manifest, and the Optimum-layout writers (ONNX with external data, config files, PLACEHOLDER).

The VAE is trained on Fashion-MNIST images that no demo audits (the part of the global permutation after every
family's slice), so it is a "public" component like Stable Diffusion's VAE: any leakage the attacks see comes from
the denoiser. Its training is seeded and cached in $TMPDIR, so both scripts use exactly the same VAE weights.
"""
import hashlib
import math
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import log  # noqa: E402  (sets OMP_WAIT_POLICY and torch threads first)
import common  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

LATENT_CHANNELS = 4
VAE_SLICE = (16000, 20000)  # global-permutation positions no demo family uses
VAE_SEED = 909
VAE_STEPS = 500
VAE_BATCH = 64
VAE_KL_WEIGHT = 1e-4


# ----------------------------------------------------------------------------- VAE

class TinyVaeEncoder(nn.Module):
    """[N,1,H,W] in [-1,1] -> latent mean [N,4,H/2,W/2] (unscaled), and the log-variance while training."""

    def __init__(self, width=32):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(2 * width, 2 * width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(2 * width, 2 * LATENT_CHANNELS, 1))

    def moments(self, x):
        h = self.body(x)
        return h[:, :LATENT_CHANNELS], h[:, LATENT_CHANNELS:]

    def forward(self, sample):
        return self.moments(sample)[0]


class TinyVaeDecoder(nn.Module):
    """Unscaled latent [N,4,h,w] -> image [N,1,2h,2w]."""

    def __init__(self, width=32):
        super().__init__()
        self.inc = nn.Conv2d(LATENT_CHANNELS, 2 * width, 3, padding=1)
        self.body = nn.Sequential(
            nn.Conv2d(2 * width, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, 1, 3, padding=1))

    def forward(self, latent_sample):
        h = F.silu(self.inc(latent_sample))
        return self.body(F.interpolate(h, scale_factor=2.0, mode='nearest'))


def vae_images():
    """The VAE's training images at both demo sizes: 28x28 and the 16x16 bilinear downscale."""
    from diffusion import downscale
    images, _ = common.load_fashion_train()
    rng = np.random.default_rng(common.GLOBAL_PERMUTATION_SEED)
    idx = rng.permutation(60000)[VAE_SLICE[0]:VAE_SLICE[1]]
    x28 = common.preprocess_u8(images[idx])
    x16 = common.preprocess_u8(np.stack([downscale(images[i]) for i in idx]))
    return x28, x16


def trained_vae(steps=VAE_STEPS, untrained=False):
    """(encoder, decoder, info): seeded; trained weights cached in $TMPDIR under a key of the settings."""
    torch.manual_seed(VAE_SEED)
    enc, dec = TinyVaeEncoder(), TinyVaeDecoder()
    n_params = sum(p.numel() for m in (enc, dec) for p in m.parameters())
    info = {'params': n_params, 'images': VAE_SLICE[1] - VAE_SLICE[0], 'steps': 0 if untrained else steps,
            'batch': VAE_BATCH, 'kl_weight': VAE_KL_WEIGHT, 'seed': VAE_SEED}
    if untrained:
        return enc.eval(), dec.eval(), info
    key = hashlib.sha256(repr(sorted(info.items())).encode()).hexdigest()[:16]
    cache = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'mia-demo-kit-vae-%s.pt' % key)
    if os.path.exists(cache):
        ck = torch.load(cache)
        enc.load_state_dict(ck['enc'])
        dec.load_state_dict(ck['dec'])
        info['train_seconds'] = ck['train_seconds']
        log('VAE loaded from cache (%s)' % os.path.basename(cache))
        return enc.eval(), dec.eval(), info
    x28, x16 = vae_images()
    gen = torch.Generator().manual_seed(VAE_SEED + 1)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=2e-3)
    timer = common.Timer()
    for step in range(1, steps + 1):
        data = x28 if step % 2 else x16  # alternate sizes: one fully convolutional VAE serves both demos
        xb = data[torch.randint(0, data.shape[0], (VAE_BATCH,), generator=gen)]
        mean, logvar = enc.moments(xb)
        logvar = logvar.clamp(-10, 5)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=gen)
        rec = F.mse_loss(dec(z), xb)
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        loss = rec + VAE_KL_WEIGHT * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0:
            log('VAE step %d rec %.4f kl %.3f (%.0fs)' % (step, float(rec), float(kl), timer.elapsed()))
    info['train_seconds'] = round(timer.elapsed(), 1)
    torch.save({'enc': enc.state_dict(), 'dec': dec.state_dict(), 'train_seconds': info['train_seconds']}, cache)
    return enc.eval(), dec.eval(), info


def scaling_factor(enc, x):
    """1 / std of the VAE's latent means over x, rounded to 4 significant digits, so scaled latents have unit
    variance (the role 0.18215 plays for Stable Diffusion's VAE)."""
    with torch.no_grad():
        std = float(enc(x).std())
    return float('%.4g' % (1.0 / std))


# ----------------------------------------------------------------------------- schedules and DDIM (float64)

def alpha_bar(config):
    """Cumulative products of (1 - beta) for a diffusers scheduler config (linear or scaled_linear)."""
    t, b0, b1 = config['num_train_timesteps'], config['beta_start'], config['beta_end']
    if config['beta_schedule'] == 'linear':
        betas = np.linspace(b0, b1, t, dtype=np.float64)
    elif config['beta_schedule'] == 'scaled_linear':
        betas = np.linspace(math.sqrt(b0), math.sqrt(b1), t, dtype=np.float64) ** 2
    else:
        raise ValueError(config['beta_schedule'])
    return np.cumprod(1.0 - betas)


def noisy(abar, z, t, eps):
    return math.sqrt(abar[t]) * z + math.sqrt(1.0 - abar[t]) * eps


def ddim_denoise(abar, eps_fn, z_t, t, stride):
    """Deterministic DDIM (eta 0) from t down to 0 in steps of `stride`; the last step returns x0_hat."""
    z, cur = z_t, t
    while cur > 0:
        eps = eps_fn(z, cur)
        z0 = (z - math.sqrt(1.0 - abar[cur]) * eps) / math.sqrt(abar[cur])
        nxt = cur - stride
        z = z0 if nxt <= 0 else math.sqrt(abar[nxt]) * z0 + math.sqrt(1.0 - abar[nxt]) * eps
        cur = nxt
    return z


def ddim_step(abar, eps_fn, z, t, t_next):
    """One deterministic DDIM step t -> t_next > 0 in either direction (t_next > t inverts), as the engine's ddimStep
    takes it when the schedule does not clip x0_hat (neither demo's does)."""
    eps = eps_fn(z, t)
    z0 = (z - math.sqrt(1.0 - abar[t]) * eps) / math.sqrt(abar[t])
    return math.sqrt(abar[t_next]) * z0 + math.sqrt(1.0 - abar[t_next]) * eps


def ddim_invert(abar, eps_fn, z0, t, stride):
    """Deterministic inversion 0 -> stride -> ... -> t, the last step shortened to land on t."""
    z, cur = z0, 0
    while cur < t:
        nxt = min(cur + stride, t)
        z, cur = ddim_step(abar, eps_fn, z, cur, nxt), nxt
    return z


def flat_sq(a):
    return (np.asarray(a, dtype=np.float64) ** 2).reshape(a.shape[0], -1).sum(1)


class LatentAttacks:
    """PyTorch reference of the diffusion statistics, for a denoiser `eps_fn(z, t)` (float64 numpy in and out,
    conditioning bound by the caller) on scaled latents `z0` of images `x`:
    ReDiffuse: noise z0 to t with n draws, DDIM back, decode each draw, l2 from x to the mean decoded image;
    loss: mean ||eps - eps_theta(z_t, t)||^2 over n draws at t;
    SecMI: squared l2 between the inversion to t and its step up to t + stride and back (in latent space);
    PIA: ||eps_0 - eps_theta(z_t, t)||_4^4 with eps_0 = eps_theta(z0, 0) as the noise (in latent space).
    SecMI and PIA follow src-main/engine/attacks/diffusion/diffusion-statistics.ts and draw no noise."""

    def __init__(self, abar, decode):
        self.abar = abar
        self.decode = decode  # scaled latent (float64 numpy) -> image (float64 numpy)

    def rediffuse(self, eps_fn, x, z0, noise, t=200, stride=50):
        """noise: [B,n,c,h,w]; returns ||x - mean_r decode(recon_r)||^2 (lower = member)."""
        b, n = noise.shape[:2]
        zs = np.repeat(z0, n, axis=0)
        rec = ddim_denoise(self.abar, eps_fn, noisy(self.abar, zs, t, noise.reshape(b * n, *z0.shape[1:])),
                           t, stride)
        img = self.decode(rec).reshape(b, n, *x.shape[1:]).mean(1)
        return flat_sq(x - img)

    def loss(self, eps_fn, z0, noise, t=100):
        b, n = noise.shape[:2]
        e = noise.reshape(b * n, *z0.shape[1:])
        err = flat_sq(e - eps_fn(noisy(self.abar, np.repeat(z0, n, axis=0), t, e), t))
        return err.reshape(b, n).mean(1)

    def secmi(self, eps_fn, z0, t=100, stride=10):
        inverted = ddim_invert(self.abar, eps_fn, z0, t, stride)
        back = ddim_step(self.abar, eps_fn, ddim_step(self.abar, eps_fn, inverted, t, t + stride), t + stride, t)
        return flat_sq(back - inverted)

    def pia(self, eps_fn, z0, t=200, gaussian_scale=False):
        eps0 = eps_fn(z0, 0)
        if gaussian_scale:
            # PIAN: each record's eps0 rescaled so its mean absolute value is that of a standard normal, sqrt(2/pi).
            flat = np.abs(np.asarray(eps0, dtype=np.float64)).reshape(eps0.shape[0], -1).mean(1)
            scale = np.where(flat > 0, math.sqrt(2 / math.pi) / np.where(flat > 0, flat, 1), 0.0)
            eps0 = (np.asarray(eps0, dtype=np.float64) * scale.reshape((-1,) + (1,) * (eps0.ndim - 1)))
        diff = np.asarray(eps0 - eps_fn(noisy(self.abar, z0, t, eps0), t), dtype=np.float64)
        return (diff ** 4).reshape(diff.shape[0], -1).sum(1)


def roc(scores, labels):
    """AUC (rank statistic, as hf_classifier.py computes it: scikit-learn is not installed) and the largest TPR
    at FPR <= 10% (with 64 non-members a 1% bound would allow no false positive at all)."""
    from hf_classifier import rank_auc
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=bool)
    k = int(math.floor(0.1 * (~y).sum() + 1e-9))
    kth = np.sort(s[~y])[::-1][k]  # a threshold above this score admits at most k non-members
    return {'auc': rank_auc(s, y), 'n_members': int(y.sum()), 'n_nonmembers': int((~y).sum()),
            'tpr_at_10%_fpr': float((s[y] > kth).mean())}


# ----------------------------------------------------------------------------- records

def subset_records(source_manifest, n_members, n_nonmembers, seed):
    """Seeded choice of audit members and non-members (fm-train ids only) of an existing demo manifest."""
    rows = [r for r in common.read_manifest(source_manifest)
            if r['role'] == 'audit' and r['id'].startswith('fm-train-')]
    rng = np.random.default_rng(seed)
    mem = [r for r in rows if r['member'] == '1']
    non = [r for r in rows if r['member'] == '0']
    pick_m = [mem[i] for i in rng.permutation(len(mem))[:n_members]]
    pick_n = [non[i] for i in rng.permutation(len(non))[:n_nonmembers]]
    return sorted(pick_m + pick_n, key=lambda r: r['id'])


def load_records(folder, rows):
    """(images [N,1,H,W] preprocessed, member labels) of rows whose paths are relative to folder."""
    u8 = np.stack([common.load_png_gray(os.path.join(folder, r['path'])) for r in rows])
    return common.preprocess_u8(u8), np.array([int(r['member']) for r in rows])


def write_records(out, source_manifest, rows):
    """Copies the chosen PNGs into out/images and writes out/manifest.csv (ids, labels, captions kept); returns
    the images as read back from the copies."""
    src_dir = os.path.dirname(source_manifest)
    img_dir = common.ensure_dir(os.path.join(out, 'images'))
    new_rows = []
    for r in rows:
        path = 'images/%s.png' % r['id']
        shutil.copyfile(os.path.join(src_dir, r['path']), os.path.join(out, path))
        new_rows.append(dict(id=r['id'], path=path, label=int(r['label']), caption=r['caption'],
                             member=int(r['member']), role='audit'))
    common.write_manifest(os.path.join(out, 'manifest.csv'), new_rows)
    return load_records(out, new_rows)[0]


# ----------------------------------------------------------------------------- Optimum-layout files

def reset_folder(out):
    """Removes what an earlier run wrote (components, records, markers); keeps audit.yaml. Called only once the
    new weights are ready, so the folder is never left empty during a long training run."""
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if name == 'audit.yaml':
            continue
        p = os.path.join(out, name)
        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)


def mark_placeholder(out, placeholder):
    path = os.path.join(out, 'PLACEHOLDER')
    if placeholder:
        with open(path, 'w') as f:
            f.write('untrained placeholder\n')
    elif os.path.exists(path):
        os.remove(path)


def export_component(model, args, out, component, input_names, output_names, config=None, external=False):
    """out/component/model.onnx (+ config.json); `external` moves every initializer to model.onnx_data."""
    folder = common.ensure_dir(os.path.join(out, component))
    path = os.path.join(folder, 'model.onnx')
    common.export_onnx(model, args, path, input_names, output_names)
    if external:
        import onnx
        m = onnx.load(path)
        os.remove(path)
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location='model.onnx_data', size_threshold=0)
    if config is not None:
        common.write_json(os.path.join(folder, 'config.json'), config)


def export_vae(out, enc, dec, size, scale):
    cfg = {'_class_name': 'AutoencoderKL', 'in_channels': 1, 'out_channels': 1, 'latent_channels': LATENT_CHANNELS,
           'sample_size': size, 'scaling_factor': scale, 'down_factor': 2}
    export_component(enc, (torch.zeros(2, 1, size, size),), out, 'vae_encoder', ['sample'], ['latent_sample'], cfg)
    export_component(dec, (torch.zeros(2, LATENT_CHANNELS, size // 2, size // 2),), out, 'vae_decoder',
                     ['latent_sample'], ['sample'], cfg)


def decoder_fn(dec, scale):
    def decode(z_scaled):
        with torch.no_grad():
            return dec(torch.from_numpy((z_scaled / scale).astype(np.float32))).numpy().astype(np.float64)
    return decode


def encode_scaled(enc, x, scale):
    with torch.no_grad():
        return enc(x).numpy().astype(np.float64) * scale


# ----------------------------------------------------------------------------- goldens

def write_parity(gold, components, extra):
    """gold/parity.json: for each component {'inputs': {name: array}, 'outputs': {name: array}}, float arrays as
    raw little-endian files beside it, int64 arrays inline; `extra` (ids, statistics ...) is stored as given."""
    doc = dict(extra)
    doc['components'] = {}
    for comp, io in components.items():
        entry = {}
        for side in ('inputs', 'outputs'):
            entry[side] = {}
            for name, arr in io[side].items():
                arr = np.asarray(arr)
                if arr.dtype.kind in 'iu':
                    entry[side][name] = common.tensor_inline(arr, 'int64')
                else:
                    entry[side][name] = common.tensor_bin(gold, '%s-%s.bin' % (comp, name), arr)
        doc['components'][comp] = entry
    common.write_json(os.path.join(gold, 'parity.json'), doc)


def deterministic_goldens(attacks, eps_fn, z0):
    """SecMI, PIA and PIAN statistics of the scaled latents z0 at the engine's default parameters, which the demos'
    audit.yaml runs use too (SecMI t 100, stride 10; PIA t 200)."""
    return {'secmi': {'t': 100, 'stride': 10, 'distance': 'squared l2 summed over latent values between the '
                                                          'inversion to t and its step to t + stride and back',
                      'statistic': [float(v) for v in attacks.secmi(eps_fn, z0)]},
            'pia': {'t': 200, 'distance': 'l4 to the 4th power summed over latent values between eps_theta(z, 0) '
                                          'and eps_theta(z_t, t)',
                    'statistic': [float(v) for v in attacks.pia(eps_fn, z0)]},
            'pian': {'t': 200, 'distance': 'as pia, with eps_theta(z, 0) rescaled per record to mean |.| = '
                                           'sqrt(2/pi) before it is used',
                     'statistic': [float(v) for v in attacks.pia(eps_fn, z0, gaussian_scale=True)]}}


def statistic_goldens(gold, attacks, eps_fn, x, z0, seed):
    """ReDiffuse (n 2, t 200, stride 50) and loss (n 2, t 100) statistics of the records x with supplied noise, then
    SecMI and PIA (no noise)."""
    g = torch.Generator().manual_seed(seed)
    nz_r = torch.randn((x.shape[0], 2) + z0.shape[1:], generator=g).numpy()
    nz_l = torch.randn((x.shape[0], 2) + z0.shape[1:], generator=g).numpy()
    return {'rediffuse': {'t': 200, 'stride': 50, 'n': 2, 'distance': 'squared l2 summed over pixels, to the mean '
                                                                      'decoded reconstruction (records repeat '
                                                                      'record-major)',
                          'noise': common.tensor_bin(gold, 'rediffuse-noise.bin', nz_r),
                          'statistic': [float(v) for v in attacks.rediffuse(eps_fn, x, z0, nz_r.astype(np.float64))]},
            'loss': {'t': 100, 'n': 2, 'noise': common.tensor_bin(gold, 'loss-noise.bin', nz_l),
                     'statistic': [float(v) for v in attacks.loss(eps_fn, z0, nz_l.astype(np.float64))]},
            **deterministic_goldens(attacks, eps_fn, z0)}
