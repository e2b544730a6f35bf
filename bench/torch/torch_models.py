"""The demo models as PyTorch modules: the architectures of tools/demo-kit, weights read from the committed ONNX
files (the torch checkpoints of most demo models were not kept).

torch.onnx.export keeps parameter names for most weights; it renames a few (Linear weights it turned into a
transposed MatMul, GroupNorm affine parameters it folded into Mul/Add of shape [C, 1, 1]). Those appear as
"onnx::Op_N" float initializers in export order, which is the modules' registration order, so they are matched to the
still-missing parameters in order, checked by element count.
"""
import json
import os
import re

import numpy as np
import torch

from onnx_weights import read_onnx_weights


def _load(module, onnx_file):
    weights = read_onnx_weights(onnx_file)
    unnamed = sorted((k for k in weights if k.startswith('onnx::') and weights[k].dtype == np.float32), key=lambda k: int(re.sub(r'\D', '', k.split('_')[-1]) or 0))
    state = module.state_dict()
    loaded = {}
    for key, param in state.items():
        array = weights.get(key)
        if array is None or tuple(array.shape) != tuple(param.shape):
            if not unnamed:
                raise ValueError('%s: no weight for %s %s' % (onnx_file, key, tuple(param.shape)))
            array = weights[unnamed.pop(0)]
            if array.ndim == 2 and array.T.shape == tuple(param.shape):
                array = array.T  # MatMul(x, Wᵀ) stores Wᵀ
            if array.size != param.numel():
                raise ValueError('%s: %s %s does not fit the next unnamed initializer %s' % (onnx_file, key, tuple(param.shape), array.shape))
        loaded[key] = torch.from_numpy(np.ascontiguousarray(array).reshape(tuple(param.shape)).astype(np.float32))
    if unnamed:
        raise ValueError('%s: initializers %s were not used' % (onnx_file, unnamed))
    module.load_state_dict(loaded)
    return module.eval()


def load_classifier(onnx_file):
    from classifier import ShokriCNN
    return _load(ShokriCNN(), onnx_file)


class _Tokenizer:
    """The demo kit's whole-word BERT tokenizer, with the vocabulary of the committed tokenizer.json."""

    def __init__(self, folder, max_length):
        from bert_tokenizer import WordTokenizer
        with open(os.path.join(folder, 'tokenizer.json'), encoding='utf-8') as f:
            vocab = json.load(f)['model']['vocab']
        self.inner = WordTokenizer([w for w, _ in sorted(vocab.items(), key=lambda kv: kv[1])], max_length)
        assert self.inner.vocab == vocab, 'tokenizer.json vocabulary is not in id order'

    def encode(self, text):
        return self.inner.encode(text)


def load_clip(folder):
    from clip_family import ImageEncoder, TextEncoder
    with open(os.path.join(folder, 'text_encoder.json')) as f:
        max_length = json.load(f)['max_length']
    tokenizer = _Tokenizer(folder, max_length)
    image = _load(ImageEncoder(), os.path.join(folder, 'image_encoder.onnx'))
    text = _load(TextEncoder(len(tokenizer.inner.vocab), max_length=max_length), os.path.join(folder, 'text_encoder.onnx'))
    return image, text, tokenizer


def load_unet(onnx_file):
    from diffusion import TinyUNet
    return _load(TinyUNet(), onnx_file)


def load_latent_pipeline(folder):
    """The text-conditional latent pipeline of tools/demo-kit/latent_pipeline.py from its Optimum folder: VAE encoder
    and decoder, text encoder and UNet (external weights), each rebuilt from its ONNX initializers with python3-onnx's
    numpy_helper (goldens_from_onnx.load_onnx_weights, which the demo kit's golden check proves exact), the tokenizer
    from vocab.json + merges.txt, and the VAE's scaling factor from its config."""
    import latent_common as lc
    from clip_bpe_reference import ClipBpe
    from goldens_from_onnx import load_onnx_weights
    from latent_pipeline import TinyCondUNet, TinyTextEncoder

    def read(*parts):
        with open(os.path.join(folder, *parts), encoding='utf-8') as f:
            return json.load(f) if parts[-1].endswith('.json') else f.read()

    modules = {'vae_encoder': lc.TinyVaeEncoder(), 'vae_decoder': lc.TinyVaeDecoder(),
               'text_encoder': TinyTextEncoder(read('text_encoder', 'config.json')['vocab_size']), 'unet': TinyCondUNet()}
    for name, module in modules.items():
        load_onnx_weights(module, os.path.join(folder, name, 'model.onnx'))
    merges = [line for line in read('tokenizer', 'merges.txt').splitlines() if line and not line.startswith('#version')]
    tokenizer = ClipBpe(read('tokenizer', 'vocab.json'), merges)
    return modules, tokenizer, read('vae_decoder', 'config.json')['scaling_factor'], read('scheduler', 'scheduler_config.json')
