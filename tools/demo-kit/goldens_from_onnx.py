"""The goldens-only path of dit.py and latent_pipeline.py (`--goldens-only`): their trained torch weights were not
kept, and retraining would change the demo, so each component's weights are loaded back from the ONNX file it was
exported to, the reload is proved exact against the outputs and statistics already in goldens/parity.json, and the
SecMI and PIA goldens are added beside them.
"""
import json
import os

from common import log
import common
import latent_common as lc

import numpy as np
import torch


def _export_order(name):
    return int(name.rsplit('_', 1)[1])


def _folded(array, op, shape):
    """An anonymous initializer back in its parameter's shape. torch's exporter folds a bias-free Linear's weight
    into the transposed matrix a MatMul takes, and a GroupNorm's affine into the [C, 1, 1] a Mul / Add takes."""
    if op == 'MatMul' and array.ndim == 2 and array.T.shape == shape:
        return array.T
    if op in ('Mul', 'Add') and array.size == int(np.prod(shape)) and array.shape[1:] == (1,) * (array.ndim - 1):
        return array.reshape(shape)
    raise ValueError('cannot fold an onnx::%s initializer of shape %s into a parameter of shape %s'
                     % (op, array.shape, shape))


def load_onnx_weights(module, path):
    """Copies every initializer of the ONNX file at `path` (external data beside it is read too) into `module`.
    Initializers named after state_dict keys are copied as they are. The exporter names the tensors it folded
    'onnx::<Op>_<N>', N increasing in export order, which is the order of the module's state_dict; each is paired
    with the next key it did not name, so the pairing rests on that order and `check_components` must confirm it."""
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(path).graph
    tensors = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    state = module.state_dict()
    anonymous = sorted((n for n in tensors if n.startswith('onnx::')), key=_export_order)
    unnamed = [k for k in state if k not in tensors]
    strangers = [n for n in tensors if n not in state and not n.startswith('onnx::')]
    if strangers or len(anonymous) != len(unnamed):
        raise ValueError('%s: initializers %s are not in the state_dict; %d anonymous ones for %d keys not named'
                         % (path, strangers, len(anonymous), len(unnamed)))
    loaded = {}
    for key, value in state.items():
        if key in tensors:
            array = tensors[key]
        else:
            name = anonymous[unnamed.index(key)]
            array = _folded(tensors[name], name.split('::', 1)[1].rsplit('_', 1)[0], tuple(value.shape))
        if tuple(array.shape) != tuple(value.shape):
            raise ValueError('%s: initializer for %s has shape %s, expected %s' % (path, key, array.shape,
                                                                                   tuple(value.shape)))
        loaded[key] = torch.from_numpy(np.array(array, order="C")).to(value.dtype)
    module.load_state_dict(loaded, strict=True)
    return module.eval()


def read_tensor(gold, descriptor):
    """A parity.json tensor: a raw little-endian file in `gold`, or inline int64 data."""
    if 'data' in descriptor:
        return np.asarray(descriptor['data'], dtype=np.int64).reshape(descriptor['shape'])
    dtype = {'float32': '<f4', 'float64': '<f8', 'int64': '<i8'}[descriptor['dtype']]
    return np.fromfile(os.path.join(gold, descriptor['file']), dtype=dtype).reshape(descriptor['shape'])


def check_components(gold, doc, modules, tolerance=1e-6):
    """Runs each module of `modules` (component name -> torch module) on its stored inputs, in the order
    parity.json lists them, and compares with its stored outputs; returns the largest absolute difference and raises
    when it exceeds `tolerance` (the outputs were written by the same torch code, so a correct reload gives them
    exactly or to float32 rounding)."""
    worst = 0.0
    for name, module in modules.items():
        io = doc['components'][name]
        inputs = [torch.from_numpy(read_tensor(gold, d)) for d in io['inputs'].values()]
        with torch.no_grad():
            got = module(*inputs)
        got = got if isinstance(got, tuple) else (got,)
        for (out, descriptor), value in zip(io['outputs'].items(), got):
            diff = float(np.abs(value.numpy() - read_tensor(gold, descriptor)).max())
            if diff > tolerance:
                raise ValueError('%s: reloaded %s gives %s up to %.3g away from parity.json (allowed %.1g)'
                                 % (gold, name, out, diff, tolerance))
            worst = max(worst, diff)
    return worst


def add_deterministic_goldens(gold, modules, attacks, eps_fn_of, scale):
    """The goldens-only path: checks that `modules` (reloaded from the folder's ONNX files) reproduce parity.json's
    component outputs, then adds (or replaces) its SecMI and PIA statistics, leaving every other entry as it was.
    `eps_fn_of(doc)` binds the records' conditioning; the latents are the stored records through the encoder."""
    path = os.path.join(gold, 'parity.json')
    with open(path, encoding='utf-8') as f:
        doc = json.load(f)
    if doc['scaling_factor'] != scale:
        raise ValueError('%s: scaling_factor %s, but the VAE config says %s' % (path, doc['scaling_factor'], scale))
    log('reloaded components reproduce %s (largest difference %.3g)'
        % (', '.join(modules), check_components(gold, doc, modules)))
    x = torch.from_numpy(read_tensor(gold, doc['components']['vae_encoder']['inputs']['sample']))
    z0 = lc.encode_scaled(modules['vae_encoder'], x, scale)
    eps_fn = eps_fn_of(doc)
    # The stored ReDiffuse and loss goldens, recomputed from their noise files, must come out as they were: proof
    # that the reloaded weights, the conditioning and the latents are the ones training-time goldens used.
    stats = doc['statistics']
    noise = {k: read_tensor(gold, stats[k]['noise']).astype(np.float64) for k in ('rediffuse', 'loss')}
    again = {'rediffuse': attacks.rediffuse(eps_fn, x.numpy().astype(np.float64), z0, noise['rediffuse']),
             'loss': attacks.loss(eps_fn, z0, noise['loss'])}
    for k, values in again.items():
        if not np.allclose(values, stats[k]['statistic'], rtol=1e-9, atol=0):
            raise ValueError('%s: %s recomputed as %s, stored %s' % (path, k, list(values), stats[k]['statistic']))
    stats.update(lc.deterministic_goldens(attacks, eps_fn, z0))
    common.write_json(path, doc)
    log('%s: ReDiffuse and loss reproduced; secmi %s, pia %s, pian %s'
        % (path, stats['secmi']['statistic'], stats['pia']['statistic'], stats['pian']['statistic']))
