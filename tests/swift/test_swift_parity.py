"""The compiled Swift core reproduces the Python reference, stage by stage, within docs/DESIGN.md's
tolerances (packager/parity/compare.py), on real images for every emotion recipe: the shared
parity images (packager.samples.parity_images) plus the shared edge cases (faces cut by the
border, tiny and strip images, corrupted detector outputs, crop boxes beyond the image)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PIL import Image

import parity_cases as shared_cases  # tests/parity_cases.py, shared with the Kotlin suite
from packager import cli, recipes, samples
from packager.errors import PackagerError
from packager.parity import compare, swift_harness

@pytest.mark.parametrize("name", shared_cases.CASE_NAMES)
def test_parity(swift_results, name):
    res = swift_results[name]
    assert res.ok, "\n".join(res.failures)


def test_every_case_ran_and_every_stage_was_compared(swift_results):
    assert sorted(swift_results) == sorted(shared_cases.CASE_NAMES)
    assert {f"{image}-{r}" for image in samples.parity_images() for r in recipes.EMOTIONS} <= set(swift_results)
    stages = {"detector_input", "boxes", "keypoints", "scores", "emotion_input", "probabilities"}
    assert set(compare.summarize(list(swift_results.values()))) == stages


@pytest.mark.parametrize("name", shared_cases.CHAIN_CASES)
def test_chain_matches_reference(swift_parity, name):
    shared_cases.check_chain(*swift_parity[name])


def test_cases_have_the_faces_they_claim(swift_parity):
    for r in recipes.EMOTIONS:
        assert shared_cases.case_meta(swift_parity, f"astronaut-{r}")["num_faces"] >= 1
        assert shared_cases.case_meta(swift_parity, f"two_faces-{r}")["num_faces"] == 2
        assert shared_cases.case_meta(swift_parity, f"no_face-{r}")["num_faces"] == 0


def test_a_wrong_result_is_caught(swift_parity, tmp_path):
    """The comparison is not vacuous: the harness's own output, moved by one float32 step in
    one tensor value (more than TENSOR_TOL allows: tensors are held bit-identical), fails."""
    case = shutil.copytree(swift_parity[f"astronaut-{recipes.DEFAULT_EMOTION}"][0], tmp_path / "cases" / "astronaut")
    swift_harness.run_harness(case.parent, tmp_path / "out")
    out = tmp_path / "out" / case.name
    assert compare.compare_case(case, out).ok
    x = np.fromfile(out / "detector_input.f32", dtype="<f4")
    i = len(x) // 2
    x[i] = np.nextafter(x[i], np.float32(np.inf))
    assert abs(float(x[i]) - float(np.fromfile(out / "detector_input.f32", dtype="<f4")[i])) > compare.TENSOR_TOL
    x.tofile(out / "detector_input.f32")
    assert not compare.compare_case(case, out).ok


def test_a_frame_case_is_run_from_its_planes(swift_parity, tmp_path):
    """A frame case is run on its planes (not on pixels.rgb): with the chroma planes of an
    NV21 frame swapped (read as NV12), the harness's tensors no longer match."""
    name = shared_cases.frame_case_name("portrait", "nv21", 90, True)
    case = shutil.copytree(swift_parity[name][0], tmp_path / "cases" / "frame")
    swift_harness.run_harness(case.parent, tmp_path / "out")
    assert compare.compare_case(case, tmp_path / "out" / case.name).ok
    u, v = (case / "plane1.bin").read_bytes(), (case / "plane2.bin").read_bytes()
    (case / "plane1.bin").write_bytes(v)
    (case / "plane2.bin").write_bytes(u)
    swift_harness.run_harness(case.parent, tmp_path / "swapped")
    assert not compare.compare_case(case, tmp_path / "swapped" / case.name).ok


def test_harness_refuses_an_unknown_recipe(swift_parity, tmp_path):
    bad = shutil.copytree(swift_parity[f"astronaut-{recipes.DEFAULT_EMOTION}"][0], tmp_path / "cases" / "bad")
    meta = json.loads((bad / "case.json").read_text())
    meta["emotion_recipe"] = "no-such-recipe"
    (bad / "case.json").write_text(json.dumps(meta))
    with pytest.raises(PackagerError, match="unknown emotion recipe"):
        swift_harness.run_harness(bad.parent, tmp_path / "out")


def test_parity_command_with_lang_swift(prepared_default, swift_binary, tmp_path, capsys):
    path = tmp_path / "astronaut.png"
    Image.fromarray(samples.astronaut()).save(path)
    assert cli.main(["parity", str(path), "--lang", "swift", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "| swift | astronaut |" in out and "ok |" in out


@pytest.mark.parametrize("name", shared_cases.MIRRORED_CASES)
def test_mirrored_cases_would_catch_a_core_that_keeps_the_model_names(swift_parity, name, tmp_path):
    shared_cases.check_mirrored_case(*swift_parity[name], tmp_path / name)
