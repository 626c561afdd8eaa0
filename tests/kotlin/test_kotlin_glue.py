"""The Android-only ONNX Runtime glue (ModelSession, FaceEmotionPipeline) run on a JVM.

onnxruntime-android cannot run here (no Android, no Maven), so the glue — compiled against the
compile-only stand-ins, as in test_kotlin_android.py — is run with test doubles of the same
classes on the class path (tests/kotlin/fakes/: a scripted "model", a call log, open-handle
counts; never shipped). A signature that differs from the stand-ins' fails at run time
(NoSuchMethodError). What this proves is the glue's own logic: provider options, the CPU
fallback and its log line, I/O checked at open, nothing left open on any failure, pinned outputs
and reused input tensors, close() waiting for a run, the self-check's comparison."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from packager.parity import kotlin_harness
from test_kotlin_android import ROOT, compile_with_standins

FAKES = ROOT / "tests" / "kotlin" / "fakes"


def _model(specs: dict, fail=()) -> bytes:
    return json.dumps({"inputs": dict(specs["inputs"]), "outputs": dict(specs["outputs"]), "fail": list(fail)}).encode()


def _expected(x: np.ndarray, shape) -> np.ndarray:
    """The fake model's rule (FakeModel.java): mean of the input (float64, then float32) + j / 1000."""
    n = int(np.prod(shape))
    mean = np.float32(x.astype(np.float64).sum() / x.size)
    return (mean + np.arange(n, dtype=np.float32) / np.float32(1000)).reshape(shape)


@pytest.fixture(scope="module")
def glue(kotlin_classes, tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("glue")
    specs = kotlin_harness.self_checks({"npy": [], "diff": [], "signature": [], "files": []}, d / "specs")["specs"]
    detector, emotion = specs["blazeface-short-range"], specs["fer-minixception"]
    assets = d / "assets"
    (assets / "copy").mkdir(parents=True)
    rng = np.random.default_rng(5)
    for stem, spec in (("face_detection", detector), ("face_emotion_recognition", emotion)):
        (assets / f"{stem}.ort").write_bytes(_model(spec))
        (name, shape), = spec["inputs"]
        x = rng.uniform(-1, 1, shape).astype(np.float32)
        np.save(assets / f"{stem}.sample_input.npy", x)
        for out_name, out_shape in spec["outputs"]:
            y = _expected(x, out_shape)
            if stem == "face_emotion_recognition":
                y = y + np.float32(1e-3)  # a model that drifted: the self-check must fail it
            np.save(assets / f"{stem}.sample_output.{out_name}.npy", y)
    # the fp16 and int8 variants, each with its own expected outputs (the shared sample input):
    # int8 as the model answers (detector) or within the variant tolerance (emotion 0.01 <= 0.05);
    # fp16 wrong: the detector's expected scores find no face, the emotion model's drift 0.1
    for v, det_change, emo_drift in (("int8", None, 0.01), ("fp16", -100.0, 0.1)):
        for stem, spec in (("face_detection", detector), ("face_emotion_recognition", emotion)):
            (assets / f"{stem}.{v}.ort").write_bytes(_model(spec))
            x = np.load(assets / f"{stem}.sample_input.npy")
            for out_name, out_shape in spec["outputs"]:
                y = _expected(x, out_shape)
                if stem == "face_emotion_recognition":
                    y = y + np.float32(emo_drift)
                elif det_change is not None and out_name == "classificators":
                    y = np.full_like(y, det_change)
                np.save(assets / f"{stem}.{v}.sample_output.{out_name}.npy", y)
    (assets / "broken.ort").write_bytes(_model(emotion, fail=("NNAPI", "CPU")))
    (assets / "copy" / "face_detection.ort").write_bytes(_model(detector))
    compiled = compile_with_standins(d, {"GlueDriver.kt": (FAKES / "GlueDriver.kt").read_text()})
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    fakes = d / "fakes"
    java_files = [str(p) for p in FAKES.rglob("*.java")]
    done = subprocess.run(["javac", "-d", str(fakes), *java_files], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    java, _, stdlib = kotlin_harness.toolchain()
    out = d / "out.json"
    done = subprocess.run([java, "-cp", f"{fakes}:{compiled.args[-1]}:{stdlib}", "dev.packager.face.glue.GlueDriverKt",
                           str(out), str(assets)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text())


NOTHING_OPEN = {"sessions": 0, "options": 0, "tensors": 0}


def test_every_scenario_leaves_nothing_open(glue):
    for name, result in glue.items():
        assert result["open"] == NOTHING_OPEN, name


def test_nnapi_by_default_with_cpu_disabled(glue):
    """On the fakes' default device (API 34) the default is NNAPI with CPU_DISABLED."""
    r = glue["default"]
    assert r["requested"] == r["provider"] == "NNAPI" and r["fallback"] is None
    assert r["log"][:2] == ["addNnapi [CPU_DISABLED]", "createSession NNAPI"]


#: The default provider per API level (docs/DESIGN.md "Providers"): NNAPI with CPU_DISABLED where
#: ONNX Runtime honours that flag (API 29) up to NNAPI's deprecation (API 35), XNNPACK elsewhere.
DEFAULTS = {24: "XNNPACK", 26: "XNNPACK", 27: "XNNPACK", 28: "XNNPACK", 29: "NNAPI", 30: "NNAPI", 34: "NNAPI",
            35: "XNNPACK", 36: "XNNPACK"}


def test_the_default_provider_follows_the_api_level_and_is_what_runs(glue):
    r = glue["defaults by api level"]
    assert r["defaultFor"] == {str(k): ("Nnapi([CPU_DISABLED])" if v == "NNAPI" else "Xnnpack") for k, v in DEFAULTS.items()}
    assert r["opened"] == {str(k): [v, v, None] for k, v in DEFAULTS.items()}
    registered = [line for line in r["log"] if line.startswith("createSession")]
    assert registered == [f"createSession {v}" for v in DEFAULTS.values()]


def test_nnapi_below_api_27_is_not_registered_and_the_cpu_is_reported(glue):
    """ONNX Runtime's NNAPI provider needs Android 8.1 (API 27): asked for below it, the session is
    a CPU one, reported as such with the reason; without the fallback it is a ModelLoadException."""
    r = glue["nnapi below api 27"]
    assert (r["requested"], r["provider"]) == ("NNAPI", "CPU")
    assert r["fallback"] == "NNAPI: NNAPI needs Android 8.1 (API 27); this device runs API 26"
    assert not [line for line in r["log"] if line.startswith("addNnapi")]
    assert [line for line in r["log"] if line.startswith("createSession")] == ["createSession CPU"]
    refused = glue["nnapi below api 27 without fallback"]
    assert refused["error"] == "ModelLoadException" and "NNAPI needs Android 8.1 (API 27)" in refused["message"]
    assert not [line for line in refused["log"] if line.startswith("createSession")]


def test_nnapi_asked_for_on_android_15_is_what_runs(glue):
    """Deprecated is not removed: an app that asks for NNAPI on API 35 gets it."""
    r = glue["nnapi asked for on api 35"]
    assert (r["requested"], r["provider"], r["fallback"]) == ("NNAPI", "NNAPI", None)


def test_a_failing_provider_falls_back_to_the_cpu_and_says_so(glue):
    r = glue["fallback"]
    assert r["provider"] == "CPU" and r["fallback"] == "NNAPI: NNAPI cannot take this model"
    assert [line for line in r["log"] if line.startswith("createSession")] == ["createSession NNAPI failed", "createSession CPU"]
    assert "Log.W FaceEmotion: model m: the NNAPI session failed, running on the CPU instead: NNAPI cannot take this model" in r["log"]
    assert glue["no fallback"]["error"] == "ModelLoadException"
    assert "cannot open it on NNAPI" in glue["no fallback"]["message"]


def test_a_negative_thread_count_is_refused_as_in_swift(glue):
    """Kotlin refuses it when SessionSettings is made, Swift when a session opens (GlueChecks.swift),
    both as the configuration error with the same words."""
    r = glue["negative threads"]
    assert (r["error"], r["message"]) == ("InvalidConfigException", "intraOpThreads -1 < 0")


def test_options_out_of_range_are_refused_in_the_words_swift_uses(glue):
    """The same words as GlueChecks.swift checks for Swift's pipeline."""
    words = ["scoreThreshold 1.5 is not in 0..1", "iouThreshold -0.1 is not in 0..1", "maxFaces 0 < 1",
             "intraOpThreads -2 < 0"]
    assert glue["options out of range"]["refused"] == [f"InvalidConfigException: {w}" for w in words]


def test_a_model_that_differs_is_refused_at_open_with_the_difference_named(glue):
    r = glue["mismatch"]
    assert r["error"] == "ModelMismatchException"
    assert r["message"] == "model m: output y has shape [1, 5]; expected [1, 3]"
    assert "closeSession" in r["log"]


def test_outputs_come_through_pinned_buffers_and_inputs_are_reused(glue):
    r = glue["run"]
    assert r["first"] == pytest.approx([3.0, 3.001, 3.002], abs=1e-6)
    assert r["y"] == pytest.approx([1.0, 1.001, 1.002], abs=1e-6) and r["z"] == pytest.approx([1.0, 1.001], abs=1e-6)
    assert r["reusedMap"] is True
    tensors = [line for line in r["log"] if line.startswith("createTensor")]
    # Two pinned outputs at open, one tensor over the caller's direct buffer for three runs, one
    # over the session's own copy of the heap buffer.
    assert tensors == ["createTensor [1, 3] direct", "createTensor [1, 2] direct", "createTensor [1, 4] direct",
                       "createTensor [1, 4] direct"]
    assert r["log"].count("run") == 4
    assert glue["wrong input"]["error"] == "InvalidTensorException"
    assert "input x has 2 values; expected 4 [1, 4]" in glue["wrong input"]["message"]


def test_xnnpack_gets_the_threads_and_ort_one_thread_without_spinning(glue):
    r = glue["xnnpack"]
    assert r["provider"] == "XNNPACK"
    assert r["log"][:4] == ["addConfigEntry session.intra_op.allow_spinning=0", "setIntraOpNumThreads 1",
                            "addXnnpack {intra_op_num_threads=4}", "createSession XNNPACK"]
    # Without a thread count, ONNX Runtime's defaults stand.
    assert glue["xnnpack default threads"]["log"][:2] == ["addXnnpack {}", "createSession XNNPACK"]


def test_the_hook_sees_every_session_options_last(glue):
    r = glue["hook"]
    assert r["seen"] == ["Nnapi([CPU_DISABLED])", "Cpu"]
    assert r["log"].index("addConfigEntry k=v") > r["log"].index("addNnapi [CPU_DISABLED]")


def test_close_waits_for_a_running_call_and_later_calls_are_refused(glue):
    r = glue["close waits"]
    assert r["runError"] is None and r["closeAfterRun"] is True
    assert r["runAfterClose"] == "ClosedException"
    assert r["log"].count("closeSession") == 1


def test_the_pipeline_runs_reports_providers_and_wraps_bad_input(glue):
    r = glue["pipeline"]
    assert r["providers"] == r["requested"] == {"face_detection": "NNAPI", "face_emotion_recognition": "NNAPI"}
    assert r["unlimited"] > 2 and r["faces"] == 2  # maxFaces keeps the best two
    assert r["strict"] == 0  # the fake's scores stay below sigmoid(0.9) < 0.99
    assert r["invalid"].startswith("InvalidImageException: pixel array has 5 values")


def test_only_the_image_adapters_illegal_argument_is_an_invalid_image(glue):
    """An IllegalArgumentException from reading a Bitmap (Android's getPixels) is a bad image; one
    from anywhere else (here the runtime's run) is a bug and passes unchanged, not as a bad image."""
    r = glue["pipeline adapters"]
    assert r["bitmap"] == r["pixels"] > 0
    assert r["unreadable"] == "InvalidImageException: x + width must be <= bitmap.width() ← IllegalArgumentException"
    assert r["buggy"] == "IllegalArgumentException: a bug in the runtime"


def test_the_self_check_judges_the_cpu_run_and_reports_the_accelerator(glue):
    det, emo = glue["pipeline"]["selfCheck"]
    assert det == {"model": "face_detection", "provider": "CPU", "diff": 0.0, "passed": True,
                   "accelerator": "NNAPI", "acceleratorDiff": 0.0}
    assert emo["model"] == "face_emotion_recognition" and emo["passed"] is False
    assert emo["diff"] == pytest.approx(1e-3, rel=1e-3) and emo["acceleratorDiff"] == pytest.approx(1e-3, rel=1e-3)


def test_the_pipeline_reports_what_was_asked_what_runs_and_why(glue):
    r = glue["pipeline fallback"]
    both = ("face_detection", "face_emotion_recognition")
    assert r["requested"] == dict.fromkeys(both, "NNAPI") and r["providers"] == dict.fromkeys(both, "CPU")
    assert r["reasons"] == dict.fromkeys(both, "NNAPI: NNAPI needs Android 8.1 (API 27); this device runs API 26")


def test_the_first_session_is_closed_when_the_second_cannot_open(glue):
    r = glue["pipeline second fails"]
    assert r["error"] == "ModelLoadException" and "model broken" in r["message"]
    assert r["log"].count("createSession NNAPI") == 1 and r["log"].count("closeSession") == 1


def test_missing_samples_name_the_build_flag(glue):
    r = glue["no samples"]
    assert r["error"] == "InvalidFileException"
    assert "copy/face_detection.sample_input.npy" in r["message"] and "packager build --self-check" in r["message"]


def test_each_precision_opens_its_own_files_and_self_checks_against_its_own_outputs(glue):
    """PipelineOptions.precision picks the shipped variant's files; selfCheck() reads that
    variant's own expected outputs (the input is shared) and judges it by the variant rule: the
    emotion model within VARIANT_SELF_CHECK_TOLERANCE (0.05), the detector by its decoded faces."""
    r = glue["precision"]
    assert r["default"] == r["recipes"] == "FP32"  # the committed wrapper: a bundle of fp32 only
    for v, suffix in (("FP32", ""), ("FP16", ".fp16"), ("INT8", ".int8")):
        assert r[v]["assets"] == [f"face_detection{suffix}.ort", f"face_emotion_recognition{suffix}.ort"]
    det, emo = r["INT8"]["selfCheck"]
    assert det == {"model": "face_detection.int8", "diff": 0.0, "tolerance": 0.2, "passed": True}
    assert emo["model"] == "face_emotion_recognition.int8" and emo["passed"] is True
    assert emo["diff"] == pytest.approx(0.01, rel=1e-3) and emo["tolerance"] == 0.05
    det, emo = r["FP16"]["selfCheck"]
    assert det["diff"] == float("inf") and det["passed"] is False  # expected no face, found some
    assert emo["diff"] == pytest.approx(0.1, rel=1e-3) and emo["passed"] is False
    det, emo = r["FP32"]["selfCheck"]  # unchanged: fp32's own tolerance
    assert det["passed"] is True and det["tolerance"] == 1e-4 and emo["passed"] is False
