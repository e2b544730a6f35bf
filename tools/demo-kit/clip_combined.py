"""Combined CLIP demo: the tiny CLIP pair of clip_family.py, 3-channel and with a 77-token byte-level BPE text tower,
exported the way Optimum exports CLIP: ONE model.onnx taking input_ids, attention_mask and pixel_values and returning
logits_per_image, logits_per_text, text_embeds and image_embeds, beside tokenizer.json, tokenizer_config.json,
special_tokens_map.json and preprocessor_config.json. It is trained on exactly the members of
resources/demo/clip/manifest.csv (its images and captions), so membership is known and no image is copied.
Writes resources/demo/clip-combined/.

Run with Debian's python3:  /usr/bin/python3 clip_combined.py [--epochs N]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import log  # noqa: E402  (sets OMP_WAIT_POLICY and torch threads first)
import common  # noqa: E402
import clip_bpe_reference as bpe  # noqa: E402
from clip_family import ImageEncoder, TextEncoder  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SOURCE = os.path.join(common.DEMO_DIR, 'clip')
OUT = os.path.join(common.DEMO_DIR, 'clip-combined')
TRAIN_SEED = 444
MERGES = 400
EPOCHS = 40
BATCH = 100
LR = 1e-3
# CLIP's own normalisation (openai/clip-vit-base-patch32 preprocessor_config.json); the grey PNGs are converted to RGB.
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


class CombinedClip(nn.Module):
    """Both towers behind one forward, with Optimum's input and output order."""

    def __init__(self, vocab_size):
        super().__init__()
        self.vision = ImageEncoder()
        self.vision.c1 = nn.Conv2d(3, 32, 3, padding=1)
        self.text = TextEncoder(vocab_size, max_length=bpe.CONTEXT)
        self.logit_scale = nn.Parameter(torch.tensor(float(np.log(1 / 0.07))))

    def scale(self):
        return self.logit_scale.clamp(0, float(np.log(100.0))).exp()

    def forward(self, input_ids, attention_mask, pixel_values):
        text_embeds = self.text(input_ids, attention_mask)
        image_embeds = self.vision(pixel_values)
        logits_per_image = self.scale() * image_embeds @ text_embeds.t()
        return logits_per_image, logits_per_image.t(), text_embeds, image_embeds


def rgb_pixels(images_u8):
    """uint8 [N,H,W] grey -> float32 [N,3,H,W], as the preprocessor config says: RGB, x/255, CLIP mean and std."""
    x = torch.from_numpy(np.asarray(images_u8, dtype=np.uint8).astype(np.float32)) * np.float32(1.0 / 255.0)
    x = x.unsqueeze(1).expand(-1, 3, -1, -1)
    mean = torch.tensor(CLIP_MEAN, dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD, dtype=torch.float32).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous()


def tokenizer_json(vocab, merges):
    """A tokenizer.json in the shape Hugging Face writes for CLIP, with a TemplateProcessing post-processor."""
    special = [{'id': vocab[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                'normalized': False, 'special': True} for t in (bpe.BOS, bpe.EOS)]
    split = ("<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+")
    template = [{'SpecialToken': {'id': bpe.BOS, 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                {'SpecialToken': {'id': bpe.EOS, 'type_id': 0}}]
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': special,
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'NFC'}, {'type': 'Replace', 'pattern': {'Regex': '\\s+'}, 'content': ' '}, {'type': 'Lowercase'}]},
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': split}, 'behavior': 'Removed', 'invert': True},
            {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': False}]},
        'post_processor': {'type': 'TemplateProcessing', 'single': template,
                           'pair': template + [{'Sequence': {'id': 'B', 'type_id': 1}},
                                               {'SpecialToken': {'id': bpe.EOS, 'type_id': 1}}],
                           'special_tokens': {t: {'id': t, 'ids': [vocab[t]], 'tokens': [t]} for t in (bpe.BOS, bpe.EOS)}},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': bpe.EOS, 'continuing_subword_prefix': '',
                  'end_of_word_suffix': bpe.WORD_END, 'fuse_unk': False, 'byte_fallback': False,
                  'vocab': vocab, 'merges': merges},
    }


def export(model, ids, mask, pixels, path):
    model.eval()
    axes = {'input_ids': {0: 'text_batch_size'}, 'attention_mask': {0: 'text_batch_size'},
            'pixel_values': {0: 'image_batch_size'},
            'logits_per_image': {0: 'image_batch_size', 1: 'text_batch_size'},
            'logits_per_text': {0: 'text_batch_size', 1: 'image_batch_size'},
            'text_embeds': {0: 'text_batch_size'}, 'image_embeds': {0: 'image_batch_size'}}
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask, pixels), path, opset_version=17, do_constant_folding=True,
                          input_names=['input_ids', 'attention_mask', 'pixel_values'],
                          output_names=['logits_per_image', 'logits_per_text', 'text_embeds', 'image_embeds'],
                          dynamic_axes=axes)


def auc(scores, members):
    """Probability that a member outscores a non-member, ties counting half (sklearn is not needed here)."""
    mem, non = scores[members == 1], scores[members == 0]
    wins = (mem[:, None] > non[None, :]).sum() + 0.5 * (mem[:, None] == non[None, :]).sum()
    return float(wins / (len(mem) * len(non)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=EPOCHS)
    args = ap.parse_args()
    timer = common.Timer()
    rows = common.read_manifest(os.path.join(SOURCE, 'manifest.csv'))
    members = [r for r in rows if r['member'] == '1']
    audit = [r for r in rows if r['role'] == 'audit']
    vocab, merges = bpe.train_bpe([r['caption'] for r in rows], MERGES)
    tok = bpe.ClipBpe(vocab, merges)

    def tensors(rs):
        pixels = rgb_pixels(np.stack([common.load_png_gray(os.path.join(SOURCE, r['path'])) for r in rs]))
        enc = [tok.encode(r['caption']) for r in rs]
        return pixels, torch.tensor([e[0] for e in enc]), torch.tensor([e[1] for e in enc])

    Xtr, Itr, Mtr = tensors(members)
    Xa, Ia, Ma = tensors(audit)
    ya = np.array([int(r['member']) for r in audit])

    torch.manual_seed(TRAIN_SEED)
    gen = torch.Generator().manual_seed(TRAIN_SEED + 1)
    model = CombinedClip(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    n = Xtr.shape[0]

    def csa():
        model.eval()
        with torch.no_grad():
            _, _, et, ei = model(Ia, Ma, Xa)
        model.train()
        return (ei.double() * et.double()).sum(1).numpy()

    t_train = common.Timer()
    for ep in range(1, args.epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, BATCH):
            b = perm[i:i + BATCH]
            logits, _, _, _ = model(Itr[b], Mtr[b], Xtr[b])
            target = torch.arange(len(b))
            loss = 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))
            opt.zero_grad()
            loss.backward()
            opt.step()
        if ep % 10 == 0 or ep == args.epochs:
            log('epoch %d loss %.4f CSA AUC %.3f  (%.0fs)' % (ep, float(loss), auc(csa(), ya), t_train.elapsed()))
    train_seconds = t_train.elapsed()
    model.eval()

    common.ensure_dir(OUT)
    done_flag = os.path.join(OUT, 'DONE')
    if os.path.exists(done_flag):
        os.remove(done_flag)
    export(model, Itr[:2], Mtr[:2], Xtr[:3], os.path.join(OUT, 'model.onnx'))
    common.write_json(os.path.join(OUT, 'tokenizer.json'), tokenizer_json(vocab, merges))
    common.write_json(os.path.join(OUT, 'tokenizer_config.json'), {
        'tokenizer_class': 'CLIPTokenizer', 'model_max_length': bpe.CONTEXT, 'do_lower_case': True,
        'bos_token': bpe.BOS, 'eos_token': bpe.EOS, 'unk_token': bpe.EOS, 'pad_token': bpe.EOS})
    common.write_json(os.path.join(OUT, 'special_tokens_map.json'), {
        'bos_token': bpe.BOS, 'eos_token': bpe.EOS, 'unk_token': bpe.EOS, 'pad_token': bpe.EOS})
    common.write_json(os.path.join(OUT, 'preprocessor_config.json'), {
        'image_processor_type': 'CLIPImageProcessor', 'do_resize': True, 'size': {'shortest_edge': 28},
        'resample': 3, 'do_center_crop': True, 'crop_size': {'height': 28, 'width': 28}, 'do_rescale': True,
        'rescale_factor': 1.0 / 255.0, 'do_normalize': True, 'image_mean': CLIP_MEAN, 'image_std': CLIP_STD,
        'do_convert_rgb': True})
    csa_auc = auc(csa(), ya)
    summary = {'family': 'clip-combined', 'training_pairs': n, 'vocab_size': len(vocab), 'merges': len(merges),
               'context': bpe.CONTEXT, 'params': sum(p.numel() for p in model.parameters()),
               'training': {'epochs': args.epochs, 'batch': BATCH, 'optimizer': 'Adam', 'lr': LR, 'seed': TRAIN_SEED,
                            'loss': 'symmetric InfoNCE, learned temperature (init 1/0.07, clamped to 100)',
                            'learned_logit_scale': float(model.scale())},
               'train_seconds': round(train_seconds, 1), 'csa_auc_audit_torch': csa_auc}
    common.write_json(os.path.join(OUT, 'summary.json'), summary)
    with open(done_flag, 'w') as f:
        f.write('clip-combined demo complete\n')
    log('clip-combined: CSA AUC %.3f (torch); %.1fs; size %.2f MB' % (
        csa_auc, timer.elapsed(), common.file_size_tree(OUT) / 1e6))


if __name__ == '__main__':
    main()
