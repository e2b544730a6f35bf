"""Latent-diffusion family: a tiny text-conditional latent pipeline in the folder layout Hugging Face Optimum writes
for a Stable Diffusion export (model_index.json, unet/ with external weights, vae_encoder/, vae_decoder/,
text_encoder/, tokenizer/ with vocab.json + merges.txt, scheduler/). Trained on captioned members copied from
clip/manifest.csv. Writes resources/demo/latent-diffusion/.

Run with Debian's python3:  /usr/bin/python3 latent_pipeline.py [--steps N] [--placeholder] [--monitor]
(--placeholder writes the folder with untrained, seeded weights and a PLACEHOLDER file, in seconds;
--goldens-only adds the SecMI and PIA goldens to the committed folder without retraining)
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import log  # noqa: E402  (sets OMP_WAIT_POLICY and torch threads first)
import common  # noqa: E402
import latent_common as lc  # noqa: E402
from clip_bpe_reference import BOS, CONTEXT, EOS, ClipBpe, train_bpe  # noqa: E402
from diffusion import ResBlock, timestep_embedding  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join(common.DEMO_DIR, 'latent-diffusion')
SOURCE = os.path.join(common.DEMO_DIR, 'clip', 'manifest.csv')
N_MEM, N_NON = 64, 64
SPLIT_SEED = 181
TRAIN_SEED = 383
ATTACK_SEED = 585
GOLDEN_SEED = 787
STEPS = 3500
BATCH = 32
LR = 1e-3
SIZE = 28
MERGES = 300
WIDTH = 32  # text encoder width D = the UNet's cross-attention dimension
SCHEDULER = {'_class_name': 'DDIMScheduler', 'num_train_timesteps': 1000, 'beta_start': 0.00085,
             'beta_end': 0.012, 'beta_schedule': 'scaled_linear', 'prediction_type': 'epsilon',
             'steps_offset': 1, 'set_alpha_to_one': False, 'clip_sample': False, 'trained_betas': None}
ABAR = lc.alpha_bar(SCHEDULER)


# ----------------------------------------------------------------------------- models

class Attention(nn.Module):
    """Multi-head attention written with matmuls (exports to plain ONNX ops); `mask` is added to the logits."""

    def __init__(self, dim, ctx_dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(ctx_dim, dim, bias=False)
        self.v = nn.Linear(ctx_dim, dim, bias=False)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx, mask=None):
        n, lq, d = x.shape
        h = self.heads

        def split(t):
            return t.reshape(n, -1, h, d // h).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(ctx)), split(self.v(ctx))
        logits = q @ k.transpose(-1, -2) * (d // h) ** -0.5
        if mask is not None:
            logits = logits + mask
        out = (logits.softmax(-1) @ v).transpose(1, 2).reshape(n, lq, d)
        return self.o(out)


class TinyTextEncoder(nn.Module):
    """CLIP-style: token + position embedding, causal pre-LN transformer layers, final LayerNorm; the pooled
    output is the state at the first EOS token (the highest id, as in CLIP)."""

    def __init__(self, vocab_size, dim=WIDTH, layers=2, heads=2):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(CONTEXT, dim) * 0.02)
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(nn.ModuleDict({'ln1': nn.LayerNorm(dim), 'attn': Attention(dim, dim, heads),
                                              'ln2': nn.LayerNorm(dim), 'mlp': nn.Sequential(
                                                  nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))}))
        self.ln = nn.LayerNorm(dim)
        self.register_buffer('causal', torch.full((CONTEXT, CONTEXT), -1e4).triu(1))

    def forward(self, input_ids):
        h = self.tok(input_ids) + self.pos
        for b in self.blocks:
            y = b['ln1'](h)
            h = h + b['attn'](y, y, self.causal)
            h = h + b['mlp'](b['ln2'](h))
        h = self.ln(h)
        eos = input_ids.argmax(-1)
        pooled = torch.gather(h, 1, eos.view(-1, 1, 1).expand(-1, 1, h.shape[-1])).squeeze(1)
        return h, pooled


class CrossAttnBlock(nn.Module):
    def __init__(self, ch, ctx_dim, heads=4):
        super().__init__()
        self.norm = nn.GroupNorm(8, ch)
        self.attn = Attention(ch, ctx_dim, heads)

    def forward(self, x, ctx):
        n, c, hh, ww = x.shape
        tokens = self.norm(x).reshape(n, c, hh * ww).transpose(1, 2)
        return x + self.attn(tokens, ctx).transpose(1, 2).reshape(n, c, hh, ww)


class TinyCondUNet(nn.Module):
    """Latent [N,4,14,14] -> 7x7 -> 14x14, channels 24/48, two cross-attention blocks on the text states at 7x7."""

    def __init__(self, ctx_dim=WIDTH, ch=(24, 48), tdim=128):
        super().__init__()
        c0, c1 = ch
        self.temb = nn.Sequential(nn.Linear(64, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.inc = nn.Conv2d(lc.LATENT_CHANNELS, c0, 3, padding=1)
        self.d0 = ResBlock(c0, c0, tdim)
        self.down = nn.Conv2d(c0, c1, 3, stride=2, padding=1)
        self.m1 = ResBlock(c1, c1, tdim)
        self.a1 = CrossAttnBlock(c1, ctx_dim)
        self.m2 = ResBlock(c1, c1, tdim)
        self.a2 = CrossAttnBlock(c1, ctx_dim)
        self.upc = nn.Conv2d(c1, c1, 3, padding=1)
        self.u0 = ResBlock(c1 + c0, c0, tdim)
        self.outn = nn.GroupNorm(8, c0)
        self.outc = nn.Conv2d(c0, lc.LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        temb = self.temb(timestep_embedding(timestep, 64))
        h0 = self.d0(self.inc(sample), temb)                                   # 14x14
        m = self.a1(self.m1(self.down(h0), temb), encoder_hidden_states)       # 7x7
        m = self.a2(self.m2(m, temb), encoder_hidden_states)
        u = self.upc(F.interpolate(m, scale_factor=2.0, mode='nearest'))
        u = self.u0(torch.cat([u, h0], dim=1), temb)
        return self.outc(F.silu(self.outn(u)))


# ----------------------------------------------------------------------------- tokenizer files

def write_tokenizer(out, vocab, merges):
    folder = common.ensure_dir(os.path.join(out, 'tokenizer'))
    with open(os.path.join(folder, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n' + ''.join(m + '\n' for m in merges))
    special = {'bos_token': BOS, 'eos_token': EOS, 'unk_token': EOS, 'pad_token': EOS}
    common.write_json(os.path.join(folder, 'special_tokens_map.json'), special)
    common.write_json(os.path.join(folder, 'tokenizer_config.json'), dict(
        special, tokenizer_class='CLIPTokenizer', model_max_length=CONTEXT, do_lower_case=True,
        add_prefix_space=False, errors='replace'))


def model_index():
    comp = {'scheduler': 'DDIMScheduler', 'text_encoder': 'CLIPTextModel', 'tokenizer': 'CLIPTokenizer',
            'unet': 'UNet2DConditionModel', 'vae': 'AutoencoderKL'}
    index = {'_class_name': 'StableDiffusionPipeline', '_diffusers_version': '0.21.0',
             'requires_safety_checker': False}
    index.update({k: ['diffusers', v] for k, v in comp.items()})
    return index


# ----------------------------------------------------------------------------- main

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
    captions = [r['caption'] for r in common.read_manifest(SOURCE)]
    vocab, merges = train_bpe(captions, MERGES)
    bpe = ClipBpe(vocab, merges)

    enc, dec, vae_info = lc.trained_vae(untrained=args.placeholder)
    x28, _ = lc.vae_images() if not args.placeholder else (None, None)
    X, y = lc.load_records(os.path.dirname(SOURCE), rows)
    scale = lc.scaling_factor(enc, x28 if x28 is not None else X)
    Z = lc.encode_scaled(enc, X, scale)
    ids = torch.tensor([bpe.encode(r['caption'])[0] for r in rows], dtype=torch.int64)
    empty_ids = torch.tensor([bpe.encode('')[0]], dtype=torch.int64)

    torch.manual_seed(TRAIN_SEED)
    text = TinyTextEncoder(len(vocab))
    unet = TinyCondUNet()
    n_text = sum(p.numel() for p in text.parameters())
    n_unet = sum(p.numel() for p in unet.parameters())
    log('text encoder params %d, UNet params %d, VAE params %d, scaling %.4g' % (n_text, n_unet,
                                                                             vae_info['params'], scale))
    members = np.nonzero(y == 1)[0]
    Ztr = torch.from_numpy(Z[members].astype(np.float32))
    ids_tr = ids[members]
    abar32 = torch.from_numpy(ABAR.astype(np.float32))
    gen = torch.Generator().manual_seed(TRAIN_SEED + 1)
    opt = torch.optim.Adam(list(text.parameters()) + list(unet.parameters()), lr=LR)
    attacks = lc.LatentAttacks(ABAR, lc.decoder_fn(dec, scale))
    t_train = common.Timer()
    ema = None
    steps = 0 if args.placeholder else args.steps
    for step in range(1, steps + 1):
        text.train()
        unet.train()
        b = torch.randint(0, Ztr.shape[0], (BATCH,), generator=gen)
        t = torch.randint(0, 1000, (BATCH,), generator=gen)
        eps = torch.randn((BATCH,) + tuple(Ztr.shape[1:]), generator=gen)
        a = abar32[t].view(-1, 1, 1, 1)
        ctx = text(ids_tr[b])[0]
        loss = F.mse_loss(unet(a.sqrt() * Ztr[b] + (1 - a).sqrt() * eps, t, ctx), eps)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(text.parameters()) + list(unet.parameters()), 1.0)
        opt.step()
        ema = float(loss) if ema is None else 0.99 * ema + 0.01 * float(loss)
        if step % 250 == 0:
            log('step %d loss %.4f (%.0fs)' % (step, ema, t_train.elapsed()))
        if args.monitor and step % 500 == 0:
            r = measure(text, unet, attacks, X, Z, ids, y, n=2)
            log('  step %d: ReDiffuse(n=2) AUC %.3f  loss AUC %.3f' % (step, r['rediffuse']['auc'],
                                                                       r['loss']['auc']))
    train_seconds = t_train.elapsed()
    text.eval()
    unet.eval()

    # ------------------------------------------------------------------ files
    lc.reset_folder(OUT)
    assert torch.equal(lc.write_records(OUT, SOURCE, rows), X)
    lc.export_vae(OUT, enc, dec, SIZE, scale)
    lc.export_component(text, (ids[:2],), OUT, 'text_encoder', ['input_ids'],
                        ['last_hidden_state', 'pooler_output'],
                        {'_class_name': 'CLIPTextModel', 'vocab_size': len(vocab), 'hidden_size': WIDTH,
                         'max_position_embeddings': CONTEXT, 'num_hidden_layers': 2, 'num_attention_heads': 2})
    with torch.no_grad():
        ctx2 = text(ids[:2])[0]
    lc.export_component(unet, (torch.zeros(2, lc.LATENT_CHANNELS, SIZE // 2, SIZE // 2),
                               torch.zeros(2, dtype=torch.int64), ctx2), OUT, 'unet',
                        ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample'],
                        {'_class_name': 'UNet2DConditionModel', 'in_channels': lc.LATENT_CHANNELS,
                         'out_channels': lc.LATENT_CHANNELS, 'sample_size': SIZE // 2,
                         'cross_attention_dim': WIDTH}, external=True)
    write_tokenizer(OUT, vocab, merges)
    common.write_json(os.path.join(common.ensure_dir(os.path.join(OUT, 'scheduler')), 'scheduler_config.json'),
                      SCHEDULER)
    common.write_json(os.path.join(OUT, 'model_index.json'), model_index())
    lc.mark_placeholder(OUT, args.placeholder)
    if args.placeholder:
        log('latent-diffusion placeholder written; size %.2f MB' % (common.file_size_tree(OUT) / 1e6))
        return

    sel = [int(np.nonzero(y == 1)[0][0]), int(np.nonzero(y == 0)[0][0])]
    write_goldens(text, unet, enc, dec, scale, attacks, X[sel], ids[sel], [rows[i] for i in sel], y[sel])
    t_att = common.Timer()
    metrics = measure(text, unet, attacks, X, Z, ids, y, n=4, empty_ids=empty_ids)
    summary = {'family': 'latent-diffusion', 'source_manifest': 'clip/manifest.csv',
               'counts': {'audit_members': N_MEM, 'audit_nonmembers': N_NON},
               'vae': vae_info, 'scaling_factor': scale,
               'training': {'members': N_MEM, 'steps': steps, 'batch': BATCH, 'optimizer': 'Adam', 'lr': LR,
                            'grad_clip_norm': 1.0, 'timesteps': 'uniform 0..999', 'loss': 'MSE(epsilon)',
                            'text_encoder': 'trained jointly with the UNet', 'seed': TRAIN_SEED,
                            'params': {'unet': n_unet, 'text_encoder': n_text, 'vae': vae_info['params']},
                            'train_seconds': round(train_seconds, 1)},
               'tokenizer': {'vocab': len(vocab), 'merges': len(merges),
                             'learnt_from': 'every caption of clip/manifest.csv'},
               'metrics': metrics, 'attack_seconds': round(t_att.elapsed(), 1),
               'total_seconds': round(timer.elapsed(), 1)}
    common.write_json(os.path.join(common.ensure_dir(os.path.join(OUT, 'goldens')), 'summary.json'), summary)
    log('latent-diffusion: ' + ', '.join('%s AUC %.3f' % (k, v['auc']) for k, v in metrics.items()))
    log('done in %.1fs; size %.2f MB' % (timer.elapsed(), common.file_size_tree(OUT) / 1e6))


def goldens_only():
    """Adds the SecMI and PIA statistics to the committed goldens/parity.json with the VAE, text encoder and UNet
    reloaded from the folder's ONNX files (the trained torch weights are not kept; retraining would change the demo).
    The records' text states come from the reloaded text encoder on the stored input ids."""
    from goldens_from_onnx import add_deterministic_goldens, load_onnx_weights, read_tensor
    with open(os.path.join(OUT, 'text_encoder', 'config.json'), encoding='utf-8') as f:
        vocab_size = json.load(f)['vocab_size']
    modules = {'vae_encoder': lc.TinyVaeEncoder(), 'vae_decoder': lc.TinyVaeDecoder(),
               'text_encoder': TinyTextEncoder(vocab_size), 'unet': TinyCondUNet()}
    for name, module in modules.items():
        load_onnx_weights(module, os.path.join(OUT, name, 'model.onnx'))
    with open(os.path.join(OUT, 'vae_decoder', 'config.json'), encoding='utf-8') as f:
        scale = json.load(f)['scaling_factor']
    gold = os.path.join(OUT, 'goldens')

    def eps_fn_of(doc):
        ids = torch.from_numpy(read_tensor(gold, doc['components']['text_encoder']['inputs']['input_ids']))
        with torch.no_grad():
            hidden = modules['text_encoder'](ids)[0]
        return eps_fn_for(modules['unet'], hidden)
    attacks = lc.LatentAttacks(ABAR, lc.decoder_fn(modules['vae_decoder'], scale))
    add_deterministic_goldens(gold, modules, attacks, eps_fn_of, scale)


def eps_fn_for(unet, ctx):
    """The UNet as a float64 denoiser of scaled latents, each record's text states repeated for its noise draws."""
    def eps_fn(z, t):
        reps = z.shape[0] // ctx.shape[0]
        with torch.no_grad():
            out = unet(torch.from_numpy(z.astype(np.float32)), torch.full((z.shape[0],), t, dtype=torch.int64),
                       ctx.repeat_interleave(reps, dim=0))
        return out.numpy().astype(np.float64)
    return eps_fn


def measure(text, unet, attacks, X, Z, ids, y, n, empty_ids=None):
    """AUCs (higher score = member) of ReDiffuse (t 200, stride 50, pixel l2) and the loss baseline (t 100),
    conditioned on each record's caption; with empty_ids also ReDiffuse with the empty prompt."""
    text.eval()
    unet.eval()
    with torch.no_grad():
        ctx = text(ids)[0]
        ctx_empty = text(empty_ids)[0].expand(ids.shape[0], -1, -1) if empty_ids is not None else None
    g = torch.Generator().manual_seed(ATTACK_SEED)
    nz_r = torch.randn((Z.shape[0], n) + Z.shape[1:], generator=g).numpy().astype(np.float64)
    nz_l = torch.randn((Z.shape[0], n) + Z.shape[1:], generator=g).numpy().astype(np.float64)
    x = X.numpy().astype(np.float64)
    out = {'rediffuse': lc.roc(-attacks.rediffuse(eps_fn_for(unet, ctx), x, Z, nz_r), y),
           'loss': lc.roc(-attacks.loss(eps_fn_for(unet, ctx), Z, nz_l), y)}
    if ctx_empty is not None:
        out['rediffuse_empty_prompt'] = lc.roc(-attacks.rediffuse(eps_fn_for(unet, ctx_empty), x, Z, nz_r), y)
    unet.train()
    text.train()
    return out


def write_goldens(text, unet, enc, dec, scale, attacks, x, input_ids, rows, member):
    """goldens/parity.json: every component's torch outputs for two records (a member, a non-member), the UNet at
    t 200 and 700 on supplied noise, and the ReDiffuse/loss statistics with supplied noise."""
    gold = common.ensure_dir(os.path.join(OUT, 'goldens'))
    with torch.no_grad():
        lat = enc(x)
        img = dec(lat)
        hidden, pooled = text(input_ids)
        t = torch.tensor([200, 700], dtype=torch.int64)
        noise = torch.randn(lat.shape, generator=torch.Generator().manual_seed(GOLDEN_SEED))
        a = torch.from_numpy(ABAR[t.numpy()].astype(np.float32)).view(-1, 1, 1, 1)
        z_t = a.sqrt() * lat * scale + (1 - a).sqrt() * noise
        eps = unet(z_t, t, hidden)
    comps = {'vae_encoder': {'inputs': {'sample': x}, 'outputs': {'latent_sample': lat}},
             'vae_decoder': {'inputs': {'latent_sample': lat}, 'outputs': {'sample': img}},
             'text_encoder': {'inputs': {'input_ids': input_ids},
                              'outputs': {'last_hidden_state': hidden, 'pooler_output': pooled}},
             'unet': {'inputs': {'sample': z_t, 'timestep': t, 'encoder_hidden_states': hidden},
                      'outputs': {'out_sample': eps}}}
    stats = lc.statistic_goldens(gold, attacks, eps_fn_for(unet, hidden), x.numpy().astype(np.float64),
                                 lat.numpy().astype(np.float64) * scale, GOLDEN_SEED + 1)
    lc.write_parity(gold, {k: {s: {n: a.numpy() for n, a in v[s].items()} for s in v} for k, v in comps.items()},
                    {'description': 'torch outputs of each component (float32 files little-endian) for two records '
                                    'conditioned on their captions; statistics in float64 on scaled latents '
                                    '(vae_encoder output x scaling_factor), lower = member',
                     'ids': [r['id'] for r in rows], 'captions': [r['caption'] for r in rows],
                     'member': [int(m) for m in member], 'scaling_factor': scale, 'statistics': stats})


if __name__ == '__main__':
    main()
