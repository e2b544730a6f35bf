"""The PyTorch side of `npm run bench`: the same workloads as the engine, on the same demo models (weights read
from the committed ONNX files), the same inputs decoded from the same PNGs, the same thread count and batch size.

Run with Debian's python3 (the one with torch):
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch/torch_bench.py WORKLOAD [--threads N] [--batch B]
      [--repeats R] [--records N] [--verify K]
WORKLOAD: classifier | clip | diffusion | latent-diffusion | gemm | export-matmul. Prints one JSON object on stdout.
"""
import argparse
import csv
import json
import os
import resource
import sys
import time

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'tools', 'demo-kit'))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402

from macs import count_macs  # noqa: E402
from onnx_weights import read_onnx_weights  # noqa: E402
from torch_models import load_classifier, load_clip, load_latent_pipeline, load_unet  # noqa: E402
import common  # noqa: E402,F401  (the demo kit's helpers set 2 threads on import; main() sets the asked number after)

DEMO = os.environ.get('MIA_DEMO_DIR') or os.path.join(REPO, 'resources', 'demo')


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def read_records(family, roles, limit=None):
    folder = os.path.join(DEMO, family)
    with open(os.path.join(folder, 'manifest.csv'), newline='', encoding='utf-8') as f:
        rows = [r for r in csv.DictReader(f) if r['role'] in roles]
    # the engine scores audit records first, then calibration (attack-job.ts), in manifest order within each
    rows = [r for role in roles for r in rows if r['role'] == role]
    rows = rows[:limit] if limit else rows
    for r in rows:
        r['file'] = os.path.join(folder, r['path'])
    return rows


def decode(rows):
    """uint8 PNG -> float32 [N, 1, H, W], pixel/255 then (x - 0.5)/0.5, as the sidecars say."""
    images = np.stack([np.asarray(Image.open(r['file']).convert('L'), dtype=np.uint8) for r in rows])
    x = torch.from_numpy(images.astype(np.float32)) * np.float32(1.0 / 255.0)
    return ((x - np.float32(0.5)) / np.float32(0.5)).unsqueeze(1).contiguous()


def in_batches(model, x, batch, *extra):
    return torch.cat([model(x[i:i + batch], *(e[i:i + batch] for e in extra)) for i in range(0, x.shape[0], batch)])


def timed(repeats, work):
    seconds, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return seconds, result


# ----------------------------------------------------------------------------- classifier: LiRA's inference

def classifier(args):
    folder = os.path.join(DEMO, 'classifier')
    with open(os.path.join(folder, 'reference', 'manifest.json')) as f:
        refs = [os.path.join(folder, 'reference', m['path']) for m in json.load(f)['models']]
    models = [load_classifier(p) for p in [os.path.join(folder, 'target.onnx')] + refs]
    rows = read_records('classifier', ['audit', 'calibration'], args.records)
    labels = torch.tensor([int(r['label']) for r in rows])

    def work():
        x = decode(rows)
        stats = []
        for model in models:
            logits = in_batches(model, x, args.batch)
            p = torch.softmax(logits, dim=1)
            # LiRA's statistic: logit of the true-class confidence (stable form)
            y = logits.gather(1, labels[:, None])[:, 0]
            others = logits.scatter(1, labels[:, None], float('-inf')).logsumexp(1)
            stats.append(y - others)
            del p
        return x, torch.stack(stats)

    with torch.inference_mode():
        seconds, (x, _) = timed(args.repeats, work)
        verify = models[0](x[:args.verify]).flatten().tolist()
    macs = count_macs(models[0], x[:1])
    return {'records': len(rows), 'calls': len(rows) * len(models), 'seconds': seconds, 'macs_per_call': {'classifier': macs},
            'calls_by_model': {'classifier': len(rows) * len(models)}, 'verify': {'classifier': verify}}


# ----------------------------------------------------------------------------- CLIP: CSA + AEA (K views)

def augment(x, generator):
    """Random resized crop 80-100 % + flip + rotation ±10° as one affine resample, brightness/contrast jitter 0.2,
    Gaussian noise σ 0.02 on [0, 1] pixels: the kinds of work AEA's views do, batched."""
    n = x.shape[0]
    u = lambda: torch.rand(n, generator=generator)  # noqa: E731
    scale = torch.sqrt(0.8 + 0.2 * u())
    angle = (u() * 2 - 1) * (10.0 * np.pi / 180.0)
    flip = torch.where(u() < 0.5, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = scale * torch.cos(angle) * flip
    theta[:, 0, 1] = -scale * torch.sin(angle)
    theta[:, 1, 0] = scale * torch.sin(angle) * flip
    theta[:, 1, 1] = scale * torch.cos(angle)
    theta[:, :, 2] = (u() * 2 - 1)[:, None] * (1 - scale)[:, None]
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    unit = F.grid_sample(x * 0.5 + 0.5, grid, mode='bilinear', padding_mode='border', align_corners=False)
    brightness, contrast = 0.8 + 0.4 * u(), 0.8 + 0.4 * u()
    unit = unit * brightness[:, None, None, None]
    mean = unit.mean(dim=(1, 2, 3), keepdim=True)
    unit = (unit - mean) * contrast[:, None, None, None] + mean
    unit = (unit + 0.02 * torch.randn(unit.shape, generator=generator)).clamp(0, 1)
    return (unit - 0.5) / 0.5


def clip(args):
    folder = os.path.join(DEMO, 'clip')
    image_model, text_model, tokenizer = load_clip(folder)
    rows = read_records('clip', ['audit'], args.records)
    captions = [r['caption'] for r in rows]

    unique = sorted(set(captions))
    row_of = torch.tensor([unique.index(c) for c in captions])

    def embed_texts():
        # the engine embeds each distinct caption once per run (clip-targets.ts); so does this
        encoded = [tokenizer.encode(c) for c in unique]
        ids = torch.tensor([e[0] for e in encoded], dtype=torch.int64)
        mask = torch.tensor([e[1] for e in encoded], dtype=torch.int64)
        return in_batches(text_model, ids, args.batch, mask)[row_of], ids, mask

    def work():
        generator = torch.Generator().manual_seed(1)
        # CSA, as its own run: decode, embed images and captions, cosine of each pair
        x = decode(rows)
        texts, _, _ = embed_texts()
        (in_batches(image_model, x, args.batch) * texts).sum(1)
        # AEA, as its own run: the same, plus K augmented views of every image
        x = decode(rows)
        texts, ids, mask = embed_texts()
        original = (in_batches(image_model, x, args.batch) * texts).sum(1)
        gaps = torch.zeros(len(rows))
        for _ in range(args.views):
            view = in_batches(image_model, augment(x, generator), args.batch)
            gaps += original - (view * texts).sum(1)
        return x, ids, mask

    with torch.inference_mode():
        seconds, (x, ids, mask) = timed(args.repeats, work)
        k = args.verify
        encoded = [tokenizer.encode(c) for c in captions[:k]]
        first_ids = torch.tensor([e[0] for e in encoded], dtype=torch.int64)
        first_mask = torch.tensor([e[1] for e in encoded], dtype=torch.int64)
        verify = {'clip-image': image_model(x[:k]).flatten().tolist(), 'clip-text': text_model(first_ids, first_mask).flatten().tolist()}
    n, u = len(rows), len(unique)
    return {'records': n, 'calls': 2 * u + n * (2 + args.views), 'seconds': seconds,
            'macs_per_call': {'clip-image': count_macs(image_model, x[:1]), 'clip-text': count_macs(text_model, ids[:1], mask[:1])},
            'calls_by_model': {'clip-image': n * (2 + args.views), 'clip-text': 2 * u}, 'verify': verify}


# ----------------------------------------------------------------------------- diffusion: ReDiffuse

def diffusion(args):
    folder = os.path.join(DEMO, 'diffusion')
    unet = load_unet(os.path.join(folder, 'unet.onnx'))
    with open(os.path.join(folder, 'scheduler.json')) as f:
        sched = json.load(f)
    betas = np.linspace(sched['beta_start'], sched['beta_end'], sched['num_train_timesteps'], dtype=np.float64)
    abar = np.cumprod(1.0 - betas)
    rows = read_records('diffusion', ['audit'], args.records)
    n, t0, stride, chunk = args.views, 200, 100, args.batch

    def eps(x, t):
        tt = torch.full((x.shape[0],), t, dtype=torch.int64)
        return in_batches(unet, x, chunk, tt)

    def work():
        generator = torch.Generator().manual_seed(1)
        x = decode(rows)
        xs = x.repeat_interleave(n, dim=0)
        noise = torch.randn(xs.shape, generator=generator)
        cur = t0
        xt = float(np.sqrt(abar[t0])) * xs + float(np.sqrt(1 - abar[t0])) * noise
        while cur > 0:  # deterministic DDIM walk t0 -> t0 - stride -> ... -> 0
            e = eps(xt, cur)
            x0 = (xt - float(np.sqrt(1 - abar[cur])) * e) / float(np.sqrt(abar[cur]))
            nxt = cur - stride
            xt = x0 if nxt <= 0 else float(np.sqrt(abar[nxt])) * x0 + float(np.sqrt(1 - abar[nxt])) * e
            cur = nxt
        mean = xt.reshape(len(rows), n, *x.shape[1:]).mean(1)
        return x, ((x - mean) ** 2).flatten(1).sum(1)

    with torch.inference_mode():
        seconds, (x, _) = timed(args.repeats, work)
        k = args.verify
        verify = unet(x[:k], torch.full((k,), 200, dtype=torch.int64)).flatten().tolist()
    steps = -(-t0 // stride)
    calls = len(rows) * n * steps
    return {'records': len(rows), 'calls': calls, 'seconds': seconds,
            'macs_per_call': {'unet': count_macs(unet, x[:1], torch.zeros(1, dtype=torch.int64))},
            'calls_by_model': {'unet': calls}, 'verify': {'unet': verify}}


# ----------------------------------------------------------------------------- latent diffusion: ReDiffuse on a pipeline

def ddim_walk(eps, xt, abar, t0, stride):
    """Deterministic DDIM t0 -> t0 - stride -> ... -> 0 in float32, the last step returning x0_hat."""
    cur = t0
    while cur > 0:
        e = eps(xt, cur)
        x0 = (xt - float(np.sqrt(1 - abar[cur])) * e) / float(np.sqrt(abar[cur]))
        nxt = cur - stride
        xt = x0 if nxt <= 0 else float(np.sqrt(abar[nxt])) * x0 + float(np.sqrt(1 - abar[nxt])) * e
        cur = nxt
    return xt


def latent_diffusion(args):
    """ReDiffuse on the text-conditional latent pipeline as the engine runs it with its defaults (prompt = each
    record's caption, compare = pixels): captions through the tokenizer and text encoder, images through the VAE
    encoder (scaled latents), n noisy copies denoised with DDIM by the UNet in chunks of `batch`, each record's copies
    decoded together (the engine decodes one record's copies at a time) and averaged, l2 to the image."""
    import latent_common as lc
    folder = os.path.join(DEMO, 'latent-diffusion')
    modules, tokenizer, scale, scheduler = load_latent_pipeline(folder)
    enc, dec, unet = modules['vae_encoder'], modules['vae_decoder'], modules['unet']
    text = lambda ids: modules['text_encoder'](ids)[0]  # noqa: E731  (last_hidden_state)
    abar = lc.alpha_bar(scheduler)
    rows = read_records('latent-diffusion', ['audit'], args.records)
    n, t0, stride, chunk, codec_chunk = args.views, 200, 100, args.batch, 16

    def conditioned(x, ids):
        states = in_batches(text, ids, chunk)
        latents = in_batches(enc, x, codec_chunk) * scale
        return states, latents

    def work():
        generator = torch.Generator().manual_seed(1)
        x = decode(rows)
        ids = torch.tensor([tokenizer.encode(r['caption'])[0] for r in rows], dtype=torch.int64)
        states, z0 = conditioned(x, ids)
        zs, ctx = z0.repeat_interleave(n, dim=0), states.repeat_interleave(n, dim=0)
        noise = torch.randn(zs.shape, generator=generator)
        zt = float(np.sqrt(abar[t0])) * zs + float(np.sqrt(1 - abar[t0])) * noise

        def eps(z, t):
            return in_batches(lambda a, c: unet(a, torch.full((a.shape[0],), t, dtype=torch.int64), c), z, chunk, ctx)
        reconstructed = ddim_walk(eps, zt, abar, t0, stride) / scale
        images = torch.stack([dec(reconstructed[i * n:(i + 1) * n]).mean(0) for i in range(len(rows))])
        return x, ids, ((x - images) ** 2).flatten(1).sum(1)

    with torch.inference_mode():
        seconds, (x, ids, _) = timed(args.repeats, work)
        k = args.verify
        states, z0 = conditioned(x[:k], ids[:k])
        verify = {'latent-unet': unet(z0, torch.full((k,), 200, dtype=torch.int64), states).flatten().tolist(),
                  'vae-decoder': dec(z0 / scale).flatten().tolist()}
        macs = {'latent-unet': count_macs(unet, z0[:1], torch.zeros(1, dtype=torch.int64), states[:1]),
                'vae-encoder': count_macs(enc, x[:1]), 'vae-decoder': count_macs(dec, z0[:1]),
                'text-encoder': count_macs(modules['text_encoder'], ids[:1])}
    records = len(rows)
    steps = -(-t0 // stride)
    calls_by_model = {'latent-unet': records * n * steps, 'vae-encoder': records, 'vae-decoder': records * n,
                      'text-encoder': records}
    return {'records': records, 'calls': sum(calls_by_model.values()), 'seconds': seconds, 'macs_per_call': macs,
            'calls_by_model': calls_by_model, 'verify': verify}


# ----------------------------------------------------------------------------- peak float32 GEMM

def gemm(args):
    size = args.records or 1024
    a, b = torch.randn(size, size), torch.randn(size, size)
    best = []
    for _ in range(args.repeats):
        torch.mm(a, b)
        started = time.perf_counter()
        loops = 0
        while time.perf_counter() - started < 0.5:
            torch.mm(a, b)
            loops += 1
        best.append(2.0 * size ** 3 * loops / (time.perf_counter() - started))
    return {'size': size, 'flops_per_second': best}


def export_matmul(args):
    """Writes a one-MatMul ONNX model (x [size, size] @ W) for the engine-side GEMM peak (ONNX Runtime's MLAS)."""
    size = args.records or 1024
    weight = torch.nn.Parameter(torch.randn(size, size))

    class MatMul(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = weight

        def forward(self, x):
            return torch.matmul(x, self.weight)

    with torch.no_grad():
        torch.onnx.export(MatMul(), (torch.randn(size, size),), args.out, input_names=['x'], output_names=['y'], opset_version=17)
    return {'size': size, 'file': args.out}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('workload', choices=['classifier', 'clip', 'diffusion', 'latent-diffusion', 'gemm', 'export-matmul'])
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--records', type=int, default=0, help='first N records of the workload (0: all); GEMM size for gemm')
    parser.add_argument('--views', type=int, default=10, help='AEA views K / ReDiffuse repeats n')
    parser.add_argument('--out', default='', help='export-matmul: where to write the ONNX file')
    parser.add_argument('--verify', type=int, default=4, help='inputs whose outputs are returned for the parity check')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    workloads = {'classifier': classifier, 'clip': clip, 'diffusion': diffusion, 'latent-diffusion': latent_diffusion, 'gemm': gemm,
                 'export-matmul': export_matmul}
    result = workloads[args.workload](args)
    result.update(workload=args.workload, threads=torch.get_num_threads(), batch=args.batch, torch=torch.__version__,
                  peak_rss_mib=peak_rss_mib())
    json.dump(result, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
