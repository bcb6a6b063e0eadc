"""Plain-PyTorch mirror of segmentation_models_pytorch 0.3.3 DeepLabV3Plus (no smp needed).

Why: smp is not installed here and CI has no Python at all; this mirror is what the C# model is
checked against. It reproduces smp's module tree (so state-dict names match), the layer4 dilation
patch of smp's ResNetEncoder.make_dilated (every conv: stride 1, dilation 2, padding (k//2)*2),
the separable ASPP and decoder, and the 1x1 head with align_corners=True upsampling.

Subcommands (run with Debian's /usr/bin/python3, torch 1.13, torchvision 0.14):
  keys OUT.txt                       write "name<TAB>dtype<TAB>shape" of every state-dict entry
                                     for resnet18/34/50/101 (the C# key-list fixture)
  counts                             print parameter counts of the five report configurations
  formula-fixture OUT.safetensors    R18/7 with formula weights: input and eval-mode logits
  pickle-fixtures DIR                small real torch.save files (plain, wrapped, DataParallel,
                                     broken) for the C# import tests
  compare DIR                        load DIR/model.safetensors exported by C#, run DIR/input,
                                     compare with DIR/logits (C# -> PyTorch direction)
  export DIR ENCODER                 random-init model -> DIR/model.safetensors + input + logits
                                     (PyTorch -> C# direction)
  torchvision DIR                    torchvision resnet18 ImageNet-layout .pth (with fc.*) +
                                     the encoder's layer4 features for a fixed input
"""
import json
import math
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

# ---------------------------------------------------------------------------------------------
# Model mirror
# ---------------------------------------------------------------------------------------------


class ResNetEncoder(torchvision.models.ResNet):
    """smp.encoders.resnet.ResNetEncoder: torchvision ResNet without fc/avgpool, OS16 dilation."""

    def __init__(self, block, layers, out_channels):
        super().__init__(block=block, layers=layers)
        self.out_channels = out_channels
        del self.fc
        del self.avgpool
        # smp make_dilated(16): stage 5 (layer4), dilation 2, every Conv2d patched.
        for mod in self.layer4.modules():
            if isinstance(mod, nn.Conv2d):
                mod.stride = (1, 1)
                mod.dilation = (2, 2)
                kh, kw = mod.kernel_size
                mod.padding = ((kh // 2) * 2, (kw // 2) * 2)

    def forward(self, x):
        features = [x]
        x = self.relu(self.bn1(self.conv1(x)))
        features.append(x)
        x = self.layer1(self.maxpool(x))
        features.append(x)
        x = self.layer2(x)
        features.append(x)
        x = self.layer3(x)
        features.append(x)
        x = self.layer4(x)
        features.append(x)
        return features


ENCODERS = {
    "resnet18": (torchvision.models.resnet.BasicBlock, [2, 2, 2, 2], (3, 64, 64, 128, 256, 512)),
    "resnet34": (torchvision.models.resnet.BasicBlock, [3, 4, 6, 3], (3, 64, 64, 128, 256, 512)),
    "resnet50": (torchvision.models.resnet.Bottleneck, [3, 4, 6, 3], (3, 64, 256, 512, 1024, 2048)),
    "resnet101": (torchvision.models.resnet.Bottleneck, [3, 4, 23, 3], (3, 64, 256, 512, 1024, 2048)),
}


class SeparableConv2d(nn.Sequential):
    def __init__(self, cin, cout, kernel_size, padding=0, dilation=1, bias=True):
        depthwise = nn.Conv2d(cin, cin, kernel_size, padding=padding, dilation=dilation, groups=cin, bias=False)
        pointwise = nn.Conv2d(cin, cout, kernel_size=1, bias=bias)
        super().__init__(depthwise, pointwise)


class ASPPSeparableConv(nn.Sequential):
    def __init__(self, cin, cout, dilation):
        super().__init__(SeparableConv2d(cin, cout, 3, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU())


class ASPPPooling(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(nn.AdaptiveAvgPool2d(1), nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

    def forward(self, x):
        size = x.shape[-2:]
        for mod in self:
            x = mod(x)
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    def __init__(self, cin, cout, rates):
        super().__init__()
        modules = [nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())]
        modules += [ASPPSeparableConv(cin, cout, r) for r in rates]
        modules.append(ASPPPooling(cin, cout))
        self.convs = nn.ModuleList(modules)
        self.project = nn.Sequential(nn.Conv2d(5 * cout, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(), nn.Dropout(0.5))

    def forward(self, x):
        return self.project(torch.cat([conv(x) for conv in self.convs], dim=1))


class DeepLabV3PlusDecoder(nn.Module):
    def __init__(self, encoder_channels, out_channels=256, rates=(12, 24, 36)):
        super().__init__()
        self.aspp = nn.Sequential(ASPP(encoder_channels[-1], out_channels, rates),
                                  SeparableConv2d(out_channels, out_channels, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(out_channels), nn.ReLU())
        self.up = nn.UpsamplingBilinear2d(scale_factor=4)
        self.block1 = nn.Sequential(nn.Conv2d(encoder_channels[-4], 48, 1, bias=False), nn.BatchNorm2d(48), nn.ReLU())
        self.block2 = nn.Sequential(SeparableConv2d(48 + out_channels, out_channels, 3, padding=1, bias=False),
                                    nn.BatchNorm2d(out_channels), nn.ReLU())

    def forward(self, *features):
        aspp = self.up(self.aspp(features[-1]))
        high = self.block1(features[-4])
        return self.block2(torch.cat([aspp, high], dim=1))


class DeepLabV3Plus(nn.Module):
    def __init__(self, encoder="resnet101", classes=7):
        super().__init__()
        block, layers, chans = ENCODERS[encoder]
        self.encoder = ResNetEncoder(block, layers, chans)
        self.decoder = DeepLabV3PlusDecoder(chans)
        self.segmentation_head = nn.Sequential(nn.Conv2d(256, classes, 1), nn.UpsamplingBilinear2d(scale_factor=4), nn.Identity())

    def forward(self, x):
        h, w = x.shape[-2:]
        if h % 16 or w % 16:
            raise RuntimeError(f"Wrong input shape height={h}, width={w}")
        return self.segmentation_head(self.decoder(*self.encoder(x)))


# ---------------------------------------------------------------------------------------------
# Safetensors (own tiny reader/writer: the safetensors package is not installed here)
# ---------------------------------------------------------------------------------------------

_DT = {torch.float32: ("F32", np.float32), torch.float64: ("F64", np.float64), torch.int64: ("I64", np.int64),
       torch.int32: ("I32", np.int32), torch.float16: ("F16", np.float16), torch.uint8: ("U8", np.uint8)}
_DT_BY_NAME = {v[0]: (k, v[1]) for k, v in _DT.items()}


def save_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": _DT[t.dtype][0], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        body = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        tdtype, npdtype = _DT_BY_NAME[e["dtype"]]
        a, b = e["data_offsets"]
        arr = np.frombuffer(body[a:b], dtype=npdtype).reshape(e["shape"]).copy()
        out[name] = torch.from_numpy(arr)
    return out


# ---------------------------------------------------------------------------------------------
# Formula weights: reproducible bit-for-bit in C# (FormulaWeights.cs) without any file
# ---------------------------------------------------------------------------------------------


def formula_tensor(key_index, name, shape, dtype):
    """Deterministic values from sin(), scaled so that a deep network stays numerically tame."""
    n = int(np.prod(shape)) if len(shape) else 1
    i = np.arange(n, dtype=np.float64)
    s = np.sin(0.37 * i + 1.3 * key_index)
    if name.endswith("num_batches_tracked"):
        return torch.tensor(key_index, dtype=torch.int64).reshape(shape)
    if name.endswith("running_var"):
        v = 1.0 + 0.5 * s * s
    elif name.endswith("running_mean"):
        v = 0.1 * s
    elif name.endswith("bias"):
        v = 0.1 * s
    elif len(shape) == 1:  # BN weight
        v = 1.0 + 0.1 * s
    else:  # conv weight: fan_in = prod(shape[1:]); sin has variance 1/2 -> 2/fan_in (He)
        fan_in = int(np.prod(shape[1:]))
        v = s * math.sqrt(4.0 / fan_in)
    return torch.from_numpy(v.astype(np.float32)).reshape(shape).to(dtype)


def formula_state_dict(model):
    sd = model.state_dict()
    return {k: formula_tensor(idx, k, list(t.shape), t.dtype) for idx, (k, t) in enumerate(sd.items())}


def formula_input(shape):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    return torch.from_numpy(np.cos(0.011 * i).astype(np.float32)).reshape(shape)


# ---------------------------------------------------------------------------------------------
# Subcommands
# ---------------------------------------------------------------------------------------------


def cmd_keys(out):
    with open(out, "w") as f:
        f.write("# state-dict entries of the smp 0.3.3 DeepLabV3Plus mirror (classes=7); written by\n")
        f.write("# tools/python/smp_reference.py keys. encoder<TAB>name<TAB>dtype<TAB>shape\n")
        for enc in ENCODERS:
            for k, t in DeepLabV3Plus(enc, 7).state_dict().items():
                f.write(f"{enc}\t{k}\t{str(t.dtype).replace('torch.', '')}\t{','.join(map(str, t.shape))}\n")


def cmd_counts():
    for enc, cls in [("resnet101", 7), ("resnet101", 10), ("resnet50", 7), ("resnet34", 7), ("resnet18", 7)]:
        m = DeepLabV3Plus(enc, cls)
        print(enc, cls, sum(p.numel() for p in m.parameters()))


def cmd_formula_fixture(out):
    model = DeepLabV3Plus("resnet18", 7).eval()
    model.load_state_dict(formula_state_dict(model))
    x = formula_input((1, 3, 64, 96))
    with torch.no_grad():
        logits = model(x)
    print("logits", tuple(logits.shape), float(logits.abs().mean()), float(logits.std()))
    save_safetensors(out, {"input": x, "logits": logits})


def cmd_pickle_fixtures(d):
    """A small slice of a real R18/7 state dict (the head and block1), formula-valued, saved by torch.save."""
    model = DeepLabV3Plus("resnet18", 7)
    full = formula_state_dict(model)
    part = {k: v for k, v in full.items() if k.startswith("segmentation_head.") or k.startswith("decoder.block1.")}
    torch.save(part, f"{d}/partial_plain.pth")
    torch.save({"epoch": 9, "model_state_dict": part, "best_miou": 0.4435}, f"{d}/partial_wrapped.pth")
    torch.save({"module." + k: v for k, v in part.items()}, f"{d}/partial_dataparallel.pth")
    broken = dict(part)
    del broken["decoder.block1.1.running_var"]                         # missing
    broken["segmentation_head.0.weight"] = torch.zeros(10, 256, 1, 1)  # wrong shape
    broken["decoder.block1.0.weight"] = part["decoder.block1.0.weight"].double()  # wrong dtype
    broken["decoder.block9.weight"] = torch.zeros(1)                   # unexpected
    torch.save(broken, f"{d}/partial_broken.pth")
    save_safetensors(f"{d}/partial_plain.safetensors", part)
    save_safetensors(f"{d}/partial_broken.safetensors", broken)


def cmd_compare(d):
    sd = load_safetensors(f"{d}/model.safetensors")
    io = load_safetensors(f"{d}/io.safetensors")
    classes = sd["segmentation_head.0.bias"].shape[0]
    enc = open(f"{d}/encoder.txt").read().strip()
    model = DeepLabV3Plus(enc, classes).eval()
    result = model.load_state_dict(sd, strict=True)
    with torch.no_grad():
        logits = model(io["input"])
    ref = io["logits"]
    diff = (logits - ref).abs().max().item()
    print(f"{enc}/{classes}: strict load {result}; max |pytorch - torchsharp| = {diff:.3e} "
          f"(logit scale {ref.abs().max().item():.3e})")
    return 0 if diff <= 1e-4 * max(1.0, ref.abs().max().item()) else 1


def cmd_export(d, enc):
    torch.manual_seed(0)
    model = DeepLabV3Plus(enc, 7)
    # A few train-mode passes make BN running stats non-trivial, as in a trained checkpoint.
    with torch.no_grad():
        for _ in range(2):
            model(torch.randn(2, 3, 64, 64))
    model.eval()
    x = torch.randn(1, 3, 64, 96)
    with torch.no_grad():
        logits = model(x)
    save_safetensors(f"{d}/model.safetensors", model.state_dict())
    torch.save(model.state_dict(), f"{d}/model.pth")
    save_safetensors(f"{d}/io.safetensors", {"input": x, "logits": logits})
    open(f"{d}/encoder.txt", "w").write(enc)


def cmd_torchvision(d):
    torch.manual_seed(1)
    tv = torchvision.models.resnet18()
    # Give BN non-trivial statistics, like an ImageNet checkpoint has.
    with torch.no_grad():
        tv.train()
        tv(torch.randn(4, 3, 64, 64))
    torch.save(tv.state_dict(), f"{d}/resnet18_tv.pth")
    save_safetensors(f"{d}/resnet18_tv.safetensors", tv.state_dict())
    enc = ResNetEncoder(*ENCODERS["resnet18"]).eval()
    missing = enc.load_state_dict({k: v for k, v in tv.state_dict().items() if not k.startswith("fc.")})
    x = formula_input((1, 3, 64, 64))
    with torch.no_grad():
        feats = enc(x)
    save_safetensors(f"{d}/resnet18_tv_io.safetensors", {"input": x, "layer4": feats[-1], "layer1": feats[2]})
    print("torchvision resnet18 written;", missing)


if __name__ == "__main__":
    cmd, *rest = sys.argv[1:]
    torch.set_num_threads(2)
    fn = {"keys": cmd_keys, "counts": cmd_counts, "formula-fixture": cmd_formula_fixture,
          "pickle-fixtures": cmd_pickle_fixtures, "compare": cmd_compare, "export": cmd_export,
          "torchvision": cmd_torchvision}[cmd]
    sys.exit(fn(*rest) or 0)
