"""DiT family: a tiny class-conditional Diffusion Transformer (patchify, adaLN-Zero blocks, learned-variance output)
in the latent space of the same VAE as latent-diffusion/, in the folder layout of an Optimum export of a diffusers
DiTPipeline (model_index.json, transformer/, vae_encoder/, vae_decoder/, scheduler/). Trained on labelled members
copied from diffusion/manifest.csv, with class dropout so the null class (index NUM_CLASSES) is trained for
classifier-free guidance. Writes resources/demo/dit/.

Run with Debian's python3:  /usr/bin/python3 dit.py [--steps N] [--placeholder] [--monitor]
or, to add the SecMI and PIA goldens to the committed folder without retraining:  /usr/bin/python3 dit.py --goldens-only
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import log  # noqa: E402  (sets OMP_WAIT_POLICY and torch threads first)
import common  # noqa: E402
import latent_common as lc  # noqa: E402
from diffusion import timestep_embedding  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join(common.DEMO_DIR, 'dit')
SOURCE = os.path.join(common.DEMO_DIR, 'diffusion', 'manifest.csv')
N_MEM, N_NON = 64, 64
SPLIT_SEED = 191
TRAIN_SEED = 393
ATTACK_SEED = 595
GOLDEN_SEED = 797
STEPS = 3000
BATCH = 32
LR = 1e-3
SIZE = 16
NUM_CLASSES = 10
CLASS_DROPOUT = 0.1
PATCH = 2
WIDTH, DEPTH, HEADS = 96, 4, 4
SCHEDULER = {'_class_name': 'DDIMScheduler', 'num_train_timesteps': 1000, 'beta_start': 0.0001,
             'beta_end': 0.02, 'beta_schedule': 'linear', 'prediction_type': 'epsilon', 'steps_offset': 0,
             'set_alpha_to_one': True, 'clip_sample': False, 'trained_betas': None}
ABAR = lc.alpha_bar(SCHEDULER)


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class DiTBlock(nn.Module):
    """Pre-LN transformer block whose LayerNorms are shifted, scaled and gated by the conditioning (adaLN-Zero: the
    modulation is zero at initialisation, so each block starts as the identity). The LayerNorms keep their affine
    weights, unlike DiT's, because torch 1.13 cannot export a LayerNorm without them."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(dim, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))
        nn.init.zeros_(self.ada[1].weight)
        nn.init.zeros_(self.ada[1].bias)

    def attn(self, x):
        n, l, d = x.shape
        h = self.heads
        q, k, v = self.qkv(x).reshape(n, l, 3, h, d // h).permute(2, 0, 3, 1, 4)
        w = (q @ k.transpose(-1, -2) * (d // h) ** -0.5).softmax(-1)
        return self.proj((w @ v).transpose(1, 2).reshape(n, l, d))

    def forward(self, x, c):
        s1, g1, b1, s2, g2, b2 = self.ada(c).chunk(6, dim=1)
        x = x + g1.unsqueeze(1) * self.attn(modulate(self.ln1(x), s1, b1))
        return x + g2.unsqueeze(1) * self.mlp(modulate(self.ln2(x), s2, b2))


class TinyDiT(nn.Module):
    """[N,4,8,8] latents -> 2x2 patches (16 tokens) -> DEPTH adaLN blocks conditioned on timestep + class
    embedding -> [N,8,8,8]: first 4 channels epsilon, last 4 the learned variance."""

    def __init__(self, latent=SIZE // 2, channels=lc.LATENT_CHANNELS):
        super().__init__()
        self.c, self.grid = channels, latent // PATCH
        self.embed = nn.Conv2d(channels, WIDTH, PATCH, stride=PATCH)
        self.pos = nn.Parameter(torch.randn(self.grid * self.grid, WIDTH) * 0.02)
        self.temb = nn.Sequential(nn.Linear(64, WIDTH), nn.SiLU(), nn.Linear(WIDTH, WIDTH))
        self.yemb = nn.Embedding(NUM_CLASSES + 1, WIDTH)  # the last row is the null class
        self.blocks = nn.ModuleList([DiTBlock(WIDTH, HEADS) for _ in range(DEPTH)])
        self.ln = nn.LayerNorm(WIDTH, eps=1e-6)
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(WIDTH, 2 * WIDTH))
        self.out = nn.Linear(WIDTH, PATCH * PATCH * 2 * channels)

    def forward(self, hidden_states, timestep, class_labels):
        n = hidden_states.shape[0]
        x = self.embed(hidden_states).flatten(2).transpose(1, 2) + self.pos
        c = self.temb(timestep_embedding(timestep, 64)) + self.yemb(class_labels)
        for b in self.blocks:
            x = b(x, c)
        shift, scale = self.ada(c).chunk(2, dim=1)
        x = self.out(modulate(self.ln(x), shift, scale))                       # [N, g*g, p*p*2c]
        g, p, c2 = self.grid, PATCH, 2 * self.c
        x = x.reshape(n, g, g, p, p, c2).permute(0, 5, 1, 3, 2, 4)
        return x.reshape(n, c2, g * p, g * p)


def model_index():
    return {'_class_name': 'DiTPipeline', '_diffusers_version': '0.21.0',
            'scheduler': ['diffusers', 'DDIMScheduler'], 'transformer': ['diffusers', 'Transformer2DModel'],
            'vae': ['diffusers', 'AutoencoderKL'], 'num_classes': NUM_CLASSES,
            'id2label': {str(i): name for i, name in enumerate(common.FASHION_CLASSES)}}


def eps_fn_for(model, labels):
    """The transformer's epsilon half as a float64 denoiser of scaled latents, each record's label repeated for its
    noise draws."""
    def eps_fn(z, t):
        reps = z.shape[0] // labels.shape[0]
        with torch.no_grad():
            out = model(torch.from_numpy(z.astype(np.float32)), torch.full((z.shape[0],), t, dtype=torch.int64),
                        labels.repeat_interleave(reps))
        return out[:, :lc.LATENT_CHANNELS].numpy().astype(np.float64)
    return eps_fn


def measure(model, attacks, X, Z, labels, y, n, null_labels=False):
    """AUCs (higher = member) of ReDiffuse (t 200, stride 50, pixel l2) and the loss baseline (t 100), with each
    record's class (or, with null_labels, the null class)."""
    model.eval()
    eps_fn = eps_fn_for(model, torch.full_like(labels, NUM_CLASSES) if null_labels else labels)
    g = torch.Generator().manual_seed(ATTACK_SEED)
    nz_r = torch.randn((Z.shape[0], n) + Z.shape[1:], generator=g).numpy().astype(np.float64)
    nz_l = torch.randn((Z.shape[0], n) + Z.shape[1:], generator=g).numpy().astype(np.float64)
    x = X.numpy().astype(np.float64)
    out = {'rediffuse': lc.roc(-attacks.rediffuse(eps_fn, x, Z, nz_r), y),
           'loss': lc.roc(-attacks.loss(eps_fn, Z, nz_l), y)}
    model.train()
    return out


def write_goldens(model, enc, dec, scale, attacks, x, labels, rows, member):
    """goldens/parity.json: every component's torch outputs for two records (a member, a non-member), the
    transformer at t 200 and 700 on supplied noise with each record's class and with the null class, and the
    ReDiffuse/loss statistics (records' classes) with supplied noise."""
    gold = common.ensure_dir(os.path.join(OUT, 'goldens'))
    with torch.no_grad():
        lat = enc(x)
        img = dec(lat)
        t = torch.tensor([200, 700, 200, 700], dtype=torch.int64)
        lab = torch.cat([labels, torch.full_like(labels, NUM_CLASSES)])
        noise = torch.randn(lat.shape, generator=torch.Generator().manual_seed(GOLDEN_SEED)).repeat(2, 1, 1, 1)
        a = torch.from_numpy(ABAR[t.numpy()].astype(np.float32)).view(-1, 1, 1, 1)
        z_t = a.sqrt() * lat.repeat(2, 1, 1, 1) * scale + (1 - a).sqrt() * noise
        out = model(z_t, t, lab)
    comps = {'vae_encoder': {'inputs': {'sample': x}, 'outputs': {'latent_sample': lat}},
             'vae_decoder': {'inputs': {'latent_sample': lat}, 'outputs': {'sample': img}},
             'transformer': {'inputs': {'hidden_states': z_t, 'timestep': t, 'class_labels': lab},
                             'outputs': {'out_sample': out}}}
    stats = lc.statistic_goldens(gold, attacks, eps_fn_for(model, labels), x.numpy().astype(np.float64),
                                 lat.numpy().astype(np.float64) * scale, GOLDEN_SEED + 1)
    lc.write_parity(gold, {k: {s: {n: a.numpy() for n, a in v[s].items()} for s in v} for k, v in comps.items()},
                    {'description': 'torch outputs of each component (float32 files little-endian) for two records; '
                                    'the transformer rows are the records with their classes, then with the null '
                                    'class; statistics in float64 on scaled latents (vae_encoder output x '
                                    'scaling_factor) with the records\' classes, lower = member',
                     'ids': [r['id'] for r in rows], 'labels': [int(v) for v in labels],
                     'member': [int(m) for m in member], 'scaling_factor': scale, 'statistics': stats})


def goldens_only():
    """Adds the SecMI and PIA statistics to the committed goldens/parity.json with the VAE and the transformer
    reloaded from the folder's ONNX files (the trained torch weights are not kept; retraining would change the demo)."""
    from goldens_from_onnx import add_deterministic_goldens, load_onnx_weights
    modules = {'vae_encoder': lc.TinyVaeEncoder(), 'vae_decoder': lc.TinyVaeDecoder(), 'transformer': TinyDiT()}
    for name, module in modules.items():
        load_onnx_weights(module, os.path.join(OUT, name, 'model.onnx'))
    with open(os.path.join(OUT, 'vae_decoder', 'config.json'), encoding='utf-8') as f:
        scale = json.load(f)['scaling_factor']
    attacks = lc.LatentAttacks(ABAR, lc.decoder_fn(modules['vae_decoder'], scale))
    add_deterministic_goldens(os.path.join(OUT, 'goldens'), modules, attacks,
                              lambda doc: eps_fn_for(modules['transformer'], torch.tensor(doc['labels'])), scale)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=STEPS)
    ap.add_argument('--placeholder', action='store_true', help='untrained seeded weights, no training or AUCs')
    ap.add_argument('--monitor', action='store_true', help='log a quick ReDiffuse AUC every 500 steps')
    ap.add_argument('--goldens-only', action='store_true',
                    help='add SecMI and PIA goldens to the committed folder, weights reloaded from its ONNX files')
    args = ap.parse_args()
    if args.goldens_only:
        goldens_only()
        return
    timer = common.Timer()
    rows = lc.subset_records(SOURCE, N_MEM, N_NON, SPLIT_SEED)
    enc, dec, vae_info = lc.trained_vae(untrained=args.placeholder)
    X, y = lc.load_records(os.path.dirname(SOURCE), rows)
    scale = lc.scaling_factor(enc, lc.vae_images()[1] if not args.placeholder else X)
    Z = lc.encode_scaled(enc, X, scale)
    labels = torch.tensor([int(r['label']) for r in rows], dtype=torch.int64)

    torch.manual_seed(TRAIN_SEED)
    model = TinyDiT()
    n_params = sum(p.numel() for p in model.parameters())
    log('DiT params %d, VAE params %d, scaling %.4g' % (n_params, vae_info['params'], scale))
    members = np.nonzero(y == 1)[0]
    Ztr = torch.from_numpy(Z[members].astype(np.float32))
    ytr = labels[members]
    abar32 = torch.from_numpy(ABAR.astype(np.float32))
    gen = torch.Generator().manual_seed(TRAIN_SEED + 1)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    attacks = lc.LatentAttacks(ABAR, lc.decoder_fn(dec, scale))
    t_train = common.Timer()
    ema = None
    steps = 0 if args.placeholder else args.steps
    for step in range(1, steps + 1):
        model.train()
        b = torch.randint(0, Ztr.shape[0], (BATCH,), generator=gen)
        t = torch.randint(0, 1000, (BATCH,), generator=gen)
        eps = torch.randn((BATCH,) + tuple(Ztr.shape[1:]), generator=gen)
        drop = torch.rand((BATCH,), generator=gen) < CLASS_DROPOUT
        yb = torch.where(drop, torch.full_like(ytr[b], NUM_CLASSES), ytr[b])
        a = abar32[t].view(-1, 1, 1, 1)
        pred = model(a.sqrt() * Ztr[b] + (1 - a).sqrt() * eps, t, yb)[:, :lc.LATENT_CHANNELS]
        loss = F.mse_loss(pred, eps)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = float(loss) if ema is None else 0.99 * ema + 0.01 * float(loss)
        if step % 250 == 0:
            log('step %d loss %.4f (%.0fs)' % (step, ema, t_train.elapsed()))
        if args.monitor and step % 500 == 0:
            r = measure(model, attacks, X, Z, labels, y, n=2)
            log('  step %d: ReDiffuse(n=2) AUC %.3f  loss AUC %.3f' % (step, r['rediffuse']['auc'],
                                                                       r['loss']['auc']))
    train_seconds = t_train.elapsed()
    model.eval()

    lc.reset_folder(OUT)
    assert torch.equal(lc.write_records(OUT, SOURCE, rows), X)
    lc.export_vae(OUT, enc, dec, SIZE, scale)
    lc.export_component(model, (torch.zeros(2, lc.LATENT_CHANNELS, SIZE // 2, SIZE // 2),
                                torch.zeros(2, dtype=torch.int64), torch.zeros(2, dtype=torch.int64)),
                        OUT, 'transformer', ['hidden_states', 'timestep', 'class_labels'], ['out_sample'],
                        {'_class_name': 'Transformer2DModel', 'in_channels': lc.LATENT_CHANNELS,
                         'out_channels': 2 * lc.LATENT_CHANNELS, 'sample_size': SIZE // 2, 'patch_size': PATCH,
                         'num_layers': DEPTH, 'num_embeds_ada_norm': NUM_CLASSES + 1})
    common.write_json(os.path.join(common.ensure_dir(os.path.join(OUT, 'scheduler')), 'scheduler_config.json'),
                      SCHEDULER)
    common.write_json(os.path.join(OUT, 'model_index.json'), model_index())
    lc.mark_placeholder(OUT, args.placeholder)
    if args.placeholder:
        log('dit placeholder written; size %.2f MB' % (common.file_size_tree(OUT) / 1e6))
        return

    sel = [int(np.nonzero(y == 1)[0][0]), int(np.nonzero(y == 0)[0][0])]
    write_goldens(model, enc, dec, scale, attacks, X[sel], labels[sel], [rows[i] for i in sel], y[sel])
    t_att = common.Timer()
    metrics = measure(model, attacks, X, Z, labels, y, n=4)
    metrics['rediffuse_null_class'] = measure(model, attacks, X, Z, labels, y, n=4, null_labels=True)['rediffuse']
    summary = {'family': 'dit', 'source_manifest': 'diffusion/manifest.csv',
               'counts': {'audit_members': N_MEM, 'audit_nonmembers': N_NON},
               'vae': vae_info, 'scaling_factor': scale,
               'training': {'members': N_MEM, 'steps': steps, 'batch': BATCH, 'optimizer': 'Adam', 'lr': LR,
                            'grad_clip_norm': 1.0, 'timesteps': 'uniform 0..999',
                            'loss': 'MSE(epsilon) on the first 4 output channels (variance half untrained)',
                            'class_dropout': CLASS_DROPOUT, 'seed': TRAIN_SEED,
                            'params': {'transformer': n_params, 'vae': vae_info['params']},
                            'train_seconds': round(train_seconds, 1)},
               'metrics': metrics, 'attack_seconds': round(t_att.elapsed(), 1),
               'total_seconds': round(timer.elapsed(), 1)}
    common.write_json(os.path.join(common.ensure_dir(os.path.join(OUT, 'goldens')), 'summary.json'), summary)
    log('dit: ' + ', '.join('%s AUC %.3f' % (k, v['auc']) for k, v in metrics.items()))
    log('done in %.1fs; size %.2f MB' % (timer.elapsed(), common.file_size_tree(OUT) / 1e6))


if __name__ == '__main__':
    main()
