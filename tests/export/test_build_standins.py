"""A bundle for a user-supplied emotion model: the FER+ stand-in (ONNX zoo architecture, opset 8,
IR version 3) through ``--emotion-recipe emotion-ferplus --emotion-model``."""

from __future__ import annotations

import json

import numpy as np
import onnxruntime as ort
import pytest
from build_helpers import cli_build

from packager import codegen, recipes
from packager.export import manifest
from packager import preparation

from packager.export.coverage import PROVIDERS  # noqa: E402


@pytest.fixture(scope="session")
def ferplus_build(tmp_path_factory, standin_files):
    out = tmp_path_factory.mktemp("build-ferplus") / "dist"
    return cli_build(out, "--target", "android", "--emotion-recipe", "emotion-ferplus",
                     "--emotion-model", str(standin_files["emotion-ferplus"]))


def test_only_the_requested_target_is_built(ferplus_build):
    assert sorted(p.name for p in ferplus_build.out.iterdir()) == ["android", "report.html"]
    assert manifest.problems(ferplus_build.bundle("android")) == []


def test_emotion_entry_describes_the_ferplus_recipe(ferplus_build, standin_files):
    e = ferplus_build.manifest("android")["models"]["face_emotion_recognition"]
    r = recipes.EMOTION_FERPLUS
    assert e["recipe"] == json.loads(json.dumps(recipes.as_dict(r)))
    assert e["source"]["file"] == standin_files["emotion-ferplus"].name and "package" not in e["source"]
    assert e["inputs"] == [{"name": "Input3", "shape": [1, 1, 64, 64], "dtype": "float32", "layout": "NCHW"}]
    assert e["outputs"] == [{"name": "Plus692_Output_0", "shape": [1, 8], "dtype": "float32"}]
    assert e["labels"] == list(r.labels) and e["outputs_are_logits"] is True
    assert "int8" not in e["artifacts"]
    for p in PROVIDERS:  # measured for every provider, whatever it is
        cov = e["coverage"]["after"][p]
        assert 0 < cov["supported_nodes"] <= cov["nodes"] and cov["partitions"] >= 1


def test_ferplus_ort_matches_its_source_on_the_sample(ferplus_build, standin_files):
    prepared = preparation.prepare(emotion_name="emotion-ferplus", emotion_path=str(standin_files["emotion-ferplus"]))
    root = ferplus_build.bundle("android")
    x = np.load(root / "samples/face_emotion_recognition.sample_input.npy")
    det = prepared.detector
    assert np.array_equal(x, preparation.emotion_check_input(recipes.EMOTION_FERPLUS, det.recipe, det.onnx_path))
    so = ort.SessionOptions()
    so.log_severity_level = 3
    got = ort.InferenceSession(str(root / "src/main/assets/face_emotion_recognition.ort"), so, providers=["CPUExecutionProvider"]).run(None, {"Input3": x})[0]
    want = ort.InferenceSession(str(prepared.emotion.onnx_path), so, providers=["CPUExecutionProvider"]).run(None, {"Input3": x})[0]
    assert np.max(np.abs(got - want)) / max(1.0, np.max(np.abs(want))) <= 1e-4
    assert np.array_equal(np.load(root / "samples/face_emotion_recognition.sample_output.Plus692_Output_0.npy"), want)


def test_wrapper_defaults_to_the_built_emotion_recipe(ferplus_build):
    m = ferplus_build.manifest("android")
    assert m["wrapper"]["status"] == "generated"
    slot = ferplus_build.bundle("android") / m["wrapper"]["folder"]
    rendered = codegen.render("kotlin", default_emotion="emotion-ferplus")
    assert {p: (slot / p).read_text() for p in rendered} == rendered
