"""Reference tensors for the engine's torchvision-style preprocessing (tests/unit/models/preprocess-torchvision-parity.test.ts).

Draws eight test images from formulas (RGB, greyscale and RGBA; landscape, portrait, tiny and large, so the cases
upscale and strongly downscale) into tests/fixtures/preprocess/, runs each case through torchvision on PIL images
(convert → Resize → CenterCrop → ToTensor → Normalize) and writes what ToTensor gave to reference.bin.gz with an index
in reference.json. ToTensor's output is a uint8 image divided by 255, so it is stored as those uint8 values
(checked here to round-trip exactly), a quarter of the float32 size; Normalize is then (x - mean) / std in float32,
which this script also checks, so the test recomputes the normalised tensor from the stored pixels.

Run with Debian's Python (python3-torch, python3-torchvision, python3-pil):
    /usr/bin/python3 tools/preprocess-reference/torchvision_reference.py [output folder]
then `npx prettier --write tests/fixtures/preprocess/reference.json` (the tree is prettier-checked).
"""

import gzip
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms
from torchvision.transforms import InterpolationMode

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "tests" / "fixtures" / "preprocess"

IMAGENET = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
CLIP = {"mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]}
UNIT = {"mean": [0.0], "std": [1.0]}


def pattern(width, height, seed):
    """Smooth gradients, rings, a fine checkerboard (aliasing shows in a downscale) and a
    coarse hashed speckle; values are multiples of 4 so the PNGs compress and the fixture stays small."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / max(width - 1, 1), y / max(height - 1, 1)
    rings = np.sin(np.hypot(x - width * 0.4, y - height * 0.6) / (3.0 + seed))
    checker = ((x.astype(int) // 2 + y.astype(int) // 2) % 2) * 2.0 - 1.0
    speckle = (((x.astype(np.int64) // 3) * 7919 + (y.astype(np.int64) // 3) * 104729 + seed * 31) % 5) / 4.0 - 0.5
    channels = [
        128 + 100 * (u - 0.5) + 40 * rings + 20 * speckle,
        128 + 90 * (v - 0.5) + 30 * checker * (u > 0.5),
        128 - 80 * (u * v - 0.25) + 45 * rings * checker,
    ]
    return (np.clip(np.stack(channels, axis=-1).round(), 0, 255).astype(np.uint8) // 4) * 4


def make_images():
    IMAGES.mkdir(parents=True, exist_ok=True)
    specs = {
        "rgb-320x240.png": ("RGB", 320, 240, 1),
        "rgb-150x333.png": ("RGB", 150, 333, 2),
        "rgb-23x17.png": ("RGB", 23, 17, 3),
        "rgb-640x400.png": ("RGB", 640, 400, 4),
        "rgb-257x255.png": ("RGB", 257, 255, 5),
        "grey-128x96.png": ("L", 128, 96, 6),
        "grey-61x200.png": ("L", 61, 200, 7),
        "rgba-90x64.png": ("RGBA", 90, 64, 8),
    }
    for name, (mode, width, height, seed) in specs.items():
        rgb = pattern(width, height, seed)
        if mode == "L":
            image = Image.fromarray(rgb[:, :, 0], "L")
        elif mode == "RGBA":
            alpha = (np.arange(width)[None, :] * 255 // max(width - 1, 1)).repeat(height, 0).astype(np.uint8)
            image = Image.fromarray(np.dstack([rgb, alpha]), "RGBA")
        else:
            image = Image.fromarray(rgb, "RGB")
        image.save(IMAGES / name, optimize=True)


# image, resize (int: shorter edge, [h, w]: exact, None: none), filter, crop [h, w], normalisation, channels.
CASES = [
    ("imagenet preset, landscape", "rgb-320x240.png", 256, "bilinear", [224, 224], IMAGENET, 3),
    ("imagenet preset, portrait", "rgb-150x333.png", 256, "bilinear", [224, 224], IMAGENET, 3),
    ("clip preset, strong downscale", "rgb-640x400.png", 224, "bicubic", [224, 224], CLIP, 3),
    ("clip preset, grey expanded to RGB", "grey-61x200.png", 224, "bicubic", [224, 224], CLIP, 3),
    ("nearest, shorter edge, downscale", "rgb-320x240.png", 40, "nearest", [32, 32], UNIT, 3),
    ("nearest, exact size, upscale", "rgb-23x17.png", [50, 61], "nearest", [48, 56], UNIT, 3),
    ("nearest, shorter edge, strong downscale", "rgb-640x400.png", 24, "nearest", [24, 24], UNIT, 3),
    ("bilinear, shorter edge, upscale", "rgb-23x17.png", 64, "bilinear", [56, 64], UNIT, 3),
    ("bilinear, exact size, strong downscale", "rgb-640x400.png", [20, 33], "bilinear", [20, 33], UNIT, 3),
    ("bilinear, shorter edge, odd crop", "rgb-257x255.png", 65, "bilinear", [33, 47], UNIT, 3),
    ("bilinear, grey model, 1 channel", "grey-128x96.png", 48, "bilinear", [40, 40], UNIT, 1),
    ("bicubic, shorter edge, upscale", "rgb-23x17.png", 45, "bicubic", [40, 40], UNIT, 3),
    ("bicubic, exact size, downscale", "rgb-150x333.png", [70, 35], "bicubic", [64, 32], UNIT, 3),
    ("bicubic, shorter edge, strong downscale, portrait", "grey-61x200.png", 20, "bicubic", [32, 20], UNIT, 3),
    ("bicubic, rgba drops alpha", "rgba-90x64.png", 48, "bicubic", [48, 48], UNIT, 3),
    ("crop only, padded", "rgb-23x17.png", None, "bilinear", [20, 30], UNIT, 3),
]

MODES = {"nearest": InterpolationMode.NEAREST, "bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC}


def reference(case):
    name, image_name, size, resample, crop, norm, channels = case
    image = Image.open(IMAGES / image_name)
    image = image.convert("RGB" if channels == 3 else "L")
    steps = []
    if size is not None:
        steps.append(transforms.Resize(size, interpolation=MODES[resample]))
    steps += [transforms.CenterCrop(crop), transforms.ToTensor()]
    unit = transforms.Compose(steps)(image)
    pixels = (unit * 255).round()
    if not torch.equal(pixels / 255, unit):
        raise SystemExit(f"{name}: ToTensor did not give k/255 values")
    normalised = transforms.Normalize(norm["mean"], norm["std"])(unit.clone())
    mean = torch.tensor(norm["mean"], dtype=torch.float32).view(-1, 1, 1)
    std = torch.tensor(norm["std"], dtype=torch.float32).view(-1, 1, 1)
    formula_gap = float((normalised - (unit - mean) / std).abs().max())
    if formula_gap > 1e-6:
        raise SystemExit(f"{name}: Normalize is not (x - mean) / std in float32 (gap {formula_gap})")
    return pixels.to(torch.uint8).numpy().tobytes(), formula_gap


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else IMAGES
    make_images()
    blob = bytearray()
    index = []
    for case in CASES:
        name, image_name, size, resample, crop, norm, channels = case
        data, gap = reference(case)
        resize = None if size is None else ({"shorterEdge": size} if isinstance(size, int) else {"height": size[0], "width": size[1]})
        index.append({
            "name": name,
            "image": image_name,
            "resize": resize,
            "filter": resample,
            "crop": {"height": crop[0], "width": crop[1]},
            "channels": channels,
            "mean": norm["mean"],
            "std": norm["std"],
            "offset": len(blob),
            "length": len(data),
            "normalizeFormulaGap": gap,
        })
        blob += data
    out.mkdir(parents=True, exist_ok=True)
    # gzip without a timestamp, so the same tensors give the same file.
    (out / "reference.bin.gz").write_bytes(gzip.compress(bytes(blob), compresslevel=9, mtime=0))
    meta = {
        "about": "reference.bin.gz (gunzipped): torchvision ToTensor output × 255 as uint8, CHW, at offset/length per case; written by tools/preprocess-reference/torchvision_reference.py",
        "torchvision": torchvision.__version__,
        "pillow": Image.__version__,
        "cases": index,
    }
    (out / "reference.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"{len(index)} cases, {len(blob)} bytes")


if __name__ == "__main__":
    main()
