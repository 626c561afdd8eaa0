"""The compiled Swift core reproduces the Python reference, stage by stage, on real images
(packager.samples.parity_images) for every emotion recipe, within DESIGN.md's tolerances."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PIL import Image

from packager import cli, recipes, samples
from packager.errors import PackagerError
from packager.parity import compare, swift


@pytest.mark.parametrize("recipe", list(recipes.EMOTIONS))
def test_every_stage_matches_the_reference(parity_results, recipe):
    results = parity_results[recipe]
    failures = [line for r in results for line in r.failures]
    assert not failures, "\n".join(failures)
    assert {r.name for r in results} == {f"{name}-{recipe}" for name in samples.parity_images()}
    diffs = compare.summarize(results)
    # Every stage was compared (at least one case has faces), not skipped.
    assert set(diffs) == {"detector_input", "boxes", "keypoints", "scores", "emotion_input", "probabilities"}


def test_cases_have_faces_and_the_no_face_image_has_none(parity_cases):
    counts = {c.name: json.loads((c / "case.json").read_text())["num_faces"] for cs in parity_cases.values() for c in cs}
    assert all(n == 0 for name, n in counts.items() if name.startswith("no_face-"))
    assert all(n >= 1 for name, n in counts.items() if name.startswith("astronaut-"))
    assert all(n == 2 for name, n in counts.items() if name.startswith("two_faces-"))


def test_a_wrong_result_is_caught(parity_cases, tmp_path):
    """The comparison is not vacuous: the harness's own output, perturbed by one tolerance step
    in one tensor value, fails."""
    case = shutil.copytree(parity_cases[recipes.DEFAULT_EMOTION][0], tmp_path / "cases" / "astronaut")
    swift.run_harness(case.parent, tmp_path / "out")
    out = tmp_path / "out" / case.name
    assert compare.compare_case(case, out).ok
    x = np.fromfile(out / "detector_input.f32", dtype="<f4")
    x[len(x) // 2] += 2 * compare.TENSOR_TOL
    x.tofile(out / "detector_input.f32")
    assert not compare.compare_case(case, out).ok


def test_harness_refuses_an_unknown_recipe(parity_cases, tmp_path):
    bad = shutil.copytree(parity_cases[recipes.DEFAULT_EMOTION][0], tmp_path / "cases" / "bad")
    meta = json.loads((bad / "case.json").read_text())
    meta["emotion_recipe"] = "no-such-recipe"
    (bad / "case.json").write_text(json.dumps(meta))
    with pytest.raises(PackagerError, match="unknown emotion recipe"):
        swift.run_harness(bad.parent, tmp_path / "out")


def test_parity_command_with_lang_swift(prepared_default, swift_harness, tmp_path, capsys):
    path = tmp_path / "astronaut.png"
    Image.fromarray(samples.astronaut()).save(path)
    assert cli.main(["parity", str(path), "--lang", "swift", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "| swift | astronaut |" in out and "ok |" in out
