"""``packager build --detector blazeface-full-range``: the full-range detector goes everywhere the
short-range one goes — verified conversion, provider rewrites (every provider takes the whole
fp32 model), int8 through the same gate, the recipe in the manifest and as the wrapper's default."""

from __future__ import annotations

import numpy as np
import pytest
from build_helpers import cli_build

from packager import layout, onnxrt, recipes
from packager.export import manifest
from packager.export.coverage import PROVIDERS
from packager.export.quantize import DEFAULT_MIN_AGREEMENT

DETECTOR = layout.MODELS["detector"]


@pytest.fixture(scope="session")
def full_range_build(tmp_path_factory, prepared_default):
    out = tmp_path_factory.mktemp("build-full-range") / "dist"
    return cli_build(out, "--target", "android", "--detector", "blazeface-full-range", "--quantize", "int8")


def test_manifest_names_the_full_range_recipe(full_range_build):
    root = full_range_build.bundle("android")
    assert manifest.problems(root) == []
    e = full_range_build.manifest("android")["models"][DETECTOR]
    assert e["recipe"]["name"] == "blazeface-full-range"
    assert e["outputs"] == [{"name": "reshaped_regressor_face_4", "shape": [1, 2304, 16], "dtype": "float32"},
                            {"name": "reshaped_classifier_face_4", "shape": [1, 2304, 1], "dtype": "float32"}]
    assert e["source"]["path"] == recipes.BLAZEFACE_FULL_RANGE.weights.path


def test_every_provider_takes_the_whole_fp32_model(full_range_build):
    e = full_range_build.manifest("android")["models"][DETECTOR]
    for p in PROVIDERS:
        cov = e["coverage"]["after"][p]
        assert cov["partitions"] == 1 and cov["supported_nodes"] == cov["nodes"], (p, cov)
    assert [r["rewrite"] for r in e["rewrites"]] == ["pad-to-concat"]


def test_int8_passes_the_gate_and_its_samples_are_its_own(full_range_build):
    root = full_range_build.bundle("android")
    e = full_range_build.manifest("android")["models"][DETECTOR]
    int8 = e["artifacts"]["int8"]
    assert int8["agreement"]["percent"] >= DEFAULT_MIN_AGREEMENT
    x = np.load(root / next(iter(e["samples"]["inputs"].values())))
    got = onnxrt.run(onnxrt.session(root / int8["file"], ort_format=True), {e["inputs"][0]["name"]: x})
    for name, rel in int8["sample_outputs"]["files"].items():
        assert np.array_equal(got[name], np.load(root / rel))


def test_wrapper_defaults_to_the_built_detector(full_range_build):
    m = full_range_build.manifest("android")
    recipes_kt = next(p for p in m["wrapper"]["files"] if p.endswith("Recipes.kt"))
    text = (full_range_build.bundle("android") / recipes_kt).read_text()
    assert "val defaultDetector: DetectorRecipe get() = blazefaceFullRange" in text
