"""Multiply-adds of one forward pass of one input, counted with forward hooks on the layers that dominate:
Conv2d (output elements × in-channels/groups × kernel area), Linear (output elements × in-features) and batched
matrix products (torch.matmul and the `@` operator inside attention, counted by wrapping both for the duration of the
pass). Norms,
activations, pooling and softmax are left out (a few percent for these models), so the bound is slightly loose.
"""
import torch
import torch.nn as nn


def count_macs(model, *inputs):
    total = [0]

    def conv(module, _inputs, output):
        k = module.kernel_size[0] * module.kernel_size[1]
        total[0] += output.numel() * (module.in_channels // module.groups) * k

    def linear(module, _inputs, output):
        total[0] += output.numel() * module.in_features

    hooks = []
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            hooks.append(module.register_forward_hook(conv))
        elif isinstance(module, nn.Linear):
            hooks.append(module.register_forward_hook(linear))
    original = torch.matmul

    def matmul(a, b):
        out = original(a, b)
        total[0] += out.numel() * a.shape[-1]
        return out

    original_operator = torch.Tensor.__matmul__

    def matmul_operator(a, b):
        out = original_operator(a, b)
        total[0] += out.numel() * a.shape[-1]
        return out

    torch.matmul = matmul
    torch.Tensor.__matmul__ = matmul_operator
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        torch.matmul = original
        torch.Tensor.__matmul__ = original_operator
        for h in hooks:
            h.remove()
    return total[0]
