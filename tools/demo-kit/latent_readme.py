"""The resources/demo/README.md sections of the two latent pipeline targets (latent-diffusion/, dit/), from their
goldens/summary.json; make_readme.py appends them. A target that was not trained yet gets no section."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

LAYOUT = [
    'latent-diffusion/ model_index.json unet/model.onnx + model.onnx_data vae_encoder/ vae_decoder/ text_encoder/',
    '             tokenizer/ (vocab.json merges.txt ...) scheduler/scheduler_config.json manifest.csv images/',
    '             audit.yaml goldens/ (summary.json parity.json + .bin)',
    'dit/         model_index.json transformer/model.onnx vae_encoder/ vae_decoder/ scheduler/scheduler_config.json',
    '             manifest.csv images/ audit.yaml goldens/ (summary.json parity.json + .bin)',
]


def _load(family):
    p = os.path.join(common.DEMO_DIR, family, 'goldens', 'summary.json')
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def _f3(v):
    return 'n/a' if v is None else '%.3f' % v


def _vae_text(s):
    v = s['vae']
    return ('VAE (%d parameters; encoder conv 3×3 (32) → conv 3×3 stride 2 (64) → conv 3×3 (64) → 1×1 to mean '
            'and log-variance of 4 latent channels at half resolution; decoder conv → nearest ×2 upsampling → three '
            'convs), '
            'trained on %d Fashion-MNIST images that no demo audits (both sizes, 28×28 and 16×16), %d steps of batch '
            '%d, MSE + %g·KL, seed %d, %.0f s. `vae_encoder` returns the unscaled latent mean; the config\'s '
            'scaling_factor %g (1 / the latents\' standard deviation) makes scaled latents unit-variance.' % (
                v['params'], v['images'], v['steps'], v['batch'], v['kl_weight'], v['seed'],
                v.get('train_seconds', 0), s['scaling_factor']))


def _table(m, rows):
    out = ['| statistic (PyTorch, on the audit records) | AUC | TPR@10%FPR |', '| --- | --- | --- |']
    for key, label in rows:
        if key in m:
            out.append('| %s | %s | %s |' % (label, _f3(m[key]['auc']), _f3(m[key]['tpr_at_10%_fpr'])))
    return out


REDIFFUSE = 'ReDiffuse-like: 4 noise draws to t 200, deterministic DDIM back in steps of 50, decode, l2 to the image'
LOSS = 'loss baseline: mean ‖ε − ε̂‖² over 4 draws at t 100, in latent space'


def sections():
    lines = []
    s = _load('latent-diffusion')
    if s is not None:
        t = s['training']
        lines += [
            '## Latent diffusion pipeline (`latent-diffusion/`)', '',
            'A tiny text-conditional latent pipeline in the layout of an Optimum export of a Stable Diffusion '
            'pipeline (`model_index.json` `StableDiffusionPipeline`). UNet (%d parameters): inputs `sample` '
            '[N,4,14,14], `timestep` [N] int64, `encoder_hidden_states` [N,77,32] → `out_sample` [N,4,14,14]; '
            '14→7→14 levels, channels 24/48, residual blocks, two cross-attention blocks on the text states at 7×7; '
            'weights in `unet/model.onnx_data` (ONNX external data). Text encoder (%d parameters): token + position '
            'embedding, 2 causal pre-LN transformer layers of width 32, `input_ids` [N,77] → `last_hidden_state` '
            '[N,77,32] and `pooler_output` [N,32] (the state at the first end-of-text token). Tokenizer: CLIP-style '
            'byte-level BPE, `vocab.json` (%d entries) and `merges.txt` (%d merges) learnt from every caption of '
            '`clip/manifest.csv` by `tools/demo-kit/clip_bpe_reference.py`. Scheduler: DDIM, scaled_linear β '
            '0.00085..0.012, T = 1000, ε-prediction, steps_offset 1.' % (
                t['params']['unet'], t['params']['text_encoder'], s['tokenizer']['vocab'],
                s['tokenizer']['merges']), '',
            _vae_text(s), '',
            'Records: %d members and %d non-members chosen (seeded) from the audit records of `clip/manifest.csv`, '
            'their 28×28 PNGs copied with ids, labels and captions (a manifest\'s paths must stay inside its folder). '
            'Training: the %d members with their captions, text encoder and UNet together, %d steps of batch %d, '
            'Adam lr %g, gradient clipping 1.0, t uniform, seed %d; %.0f s on 2 busy cores.' % (
                s['counts']['audit_members'], s['counts']['audit_nonmembers'], t['members'], t['steps'], t['batch'],
                t['lr'], t['seed'], t['train_seconds']), '',
        ]
        lines += _table(s['metrics'], [('rediffuse', REDIFFUSE + ' (caption prompt)'),
                                       ('rediffuse_empty_prompt', REDIFFUSE + ' (empty prompt)'),
                                       ('loss', LOSS + ' (caption prompt)')])
        lines.append('')
    s = _load('dit')
    if s is not None:
        t = s['training']
        lines += [
            '## DiT (`dit/`)', '',
            'A tiny class-conditional Diffusion Transformer in the layout of an Optimum export of a diffusers '
            '`DiTPipeline` (`model_index.json` gives `id2label` and `num_classes` 10). Transformer (%d parameters): '
            'inputs `hidden_states` [N,4,8,8], `timestep` [N] int64, `class_labels` [N] int64 (0..9, or 10 for the '
            'null class of classifier-free guidance) → `out_sample` [N,8,8,8], the first 4 channels ε and the last 4 '
            'the learned variance (not trained: the loss is ε-MSE only). 2×2 patches (16 tokens, width 96), learned '
            'position embedding, 4 adaLN-Zero blocks (4 heads) conditioned on timestep + class embedding, adaLN final '
            'layer, unpatchify. Scheduler: DDIM, linear β 1e-4..0.02, T = 1000, ε-prediction. The VAE is the same '
            'as `latent-diffusion/`\'s (same weights, exported for 16×16 images; scaling_factor %g, measured on the '
            'VAE\'s training images at 16×16).' % (t['params']['transformer'], s['scaling_factor']), '',
            'Records: %d members and %d non-members chosen (seeded) from the audit records of '
            '`diffusion/manifest.csv`, their 16×16 PNGs copied with ids and labels. Training: the %d members with '
            'their labels, class dropout %g to the null class, %d steps of batch %d, Adam lr %g, gradient clipping '
            '1.0, t uniform, seed %d; %.0f s on 2 busy cores.' % (
                s['counts']['audit_members'], s['counts']['audit_nonmembers'], t['members'], t['class_dropout'],
                t['steps'], t['batch'], t['lr'], t['seed'], t['train_seconds']), '',
        ]
        lines += _table(s['metrics'], [('rediffuse', REDIFFUSE + ' (record\'s class)'),
                                       ('rediffuse_null_class', REDIFFUSE + ' (null class)'),
                                       ('loss', LOSS + ' (record\'s class)')])
        lines.append('')
    return lines
