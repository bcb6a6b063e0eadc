"""PyTorch eager timings on the shapes of the C# 'model' benchmark (tests/DesertSeg.Lab.Benchmarks),
on the same machine, with the same thread count. Run with Debian's /usr/bin/python3 (torch 1.13)."""
import time

import torch
import torch.nn.functional as F

from smp_reference import DeepLabV3Plus

WEIGHTS = torch.tensor([1.5, 1.0, 0.8, 1.5, 5.0, 0.6, 0.4])


def dice(logits, target):
    n, c = logits.shape[:2]
    p = logits.log_softmax(1).exp().view(n, c, -1)
    t = target.view(n, -1)
    mask = t != 255
    p = p * mask.unsqueeze(1)
    oh = F.one_hot(t * mask, c).permute(0, 2, 1) * mask.unsqueeze(1)
    oh = oh.type_as(p)
    inter = (p * oh).sum((0, 2))
    card = (p + oh).sum((0, 2))
    loss = 1 - 2 * inter / card.clamp_min(1e-7)
    return (loss * (oh.sum((0, 2)) > 0)).mean()


def train(enc, b, h, w, steps):
    torch.manual_seed(0)
    model = DeepLabV3Plus(enc, 7).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    times = []
    for i in range(steps + 1):
        x, y = torch.randn(b, 3, h, w), torch.randint(0, 7, (b, h, w))
        t0 = time.perf_counter()
        opt.zero_grad()
        logits = model(x)
        t1 = time.perf_counter()
        loss = 0.5 * F.cross_entropy(logits, y, weight=WEIGHTS, ignore_index=255) + 0.5 * dice(logits, y)
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        if i:
            times.append((time.perf_counter() - t0, t1 - t0, t2 - t1))
    n = len(times)
    print(f"train {enc} b{b} {h}x{w}: {sum(t[0] for t in times)/n:.2f} s/step (min {min(t[0] for t in times):.2f}); "
          f"forward {sum(t[1] for t in times)/n:.2f}, loss+backward {sum(t[2] for t in times)/n:.2f}")


def infer(enc, h, w, runs, channels_last=False):
    torch.manual_seed(0)
    model = DeepLabV3Plus(enc, 7).eval()
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    times = []
    with torch.inference_mode():
        for i in range(runs + 1):
            x = torch.randn(1, 3, h, w)
            if channels_last:
                x = x.to(memory_format=torch.channels_last)
            t0 = time.perf_counter()
            model(x)
            if i:
                times.append(time.perf_counter() - t0)
    print(f"infer {enc} 1x3x{h}x{w} (inference_mode{', channels_last' if channels_last else ''}): "
          f"{sum(times)/len(times):.2f} s/image (min {min(times):.2f})")


if __name__ == "__main__":
    torch.set_num_threads(2)
    print("torch", torch.__version__, "threads", torch.get_num_threads(), "mkldnn", torch.backends.mkldnn.is_available())
    train("resnet18", 8, 144, 256, 4)
    train("resnet101", 2, 256, 448, 3)
    infer("resnet101", 512, 896, 3)
    infer("resnet101", 512, 896, 3, channels_last=True)
