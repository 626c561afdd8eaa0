"""The compiled Kotlin core reproduces the Python reference, stage by stage, within docs/DESIGN.md's
tolerances (packager/parity/compare.py), on real images for every emotion recipe."""

from __future__ import annotations

import pytest

import parity_cases
from packager import recipes
from packager.parity import compare


@pytest.mark.parametrize("name", parity_cases.CASE_NAMES)
def test_parity(kotlin_parity, name):
    case, out = kotlin_parity[name]
    res = compare.compare_case(case, out)
    assert res.ok, "\n".join(res.failures)


def test_every_case_was_written(kotlin_parity):
    assert sorted(kotlin_parity) == sorted(parity_cases.CASE_NAMES)


@pytest.mark.parametrize("name", parity_cases.CHAIN_CASES)
def test_chain_matches_reference(kotlin_parity, name):
    parity_cases.check_chain(*kotlin_parity[name])


@pytest.mark.parametrize("recipe", list(recipes.EMOTIONS))
def test_cases_cover_the_edges(kotlin_parity, recipe):
    """The suite really exercises what it claims: crops reaching outside the image, several
    faces in one image, images without faces, corrupted outputs that change the faces."""
    outside = 0
    for image in set(parity_cases.IMAGE_NAMES) - set(parity_cases.BOX_CASES):
        m = parity_cases.case_meta(kotlin_parity, f"{image}-{recipe}")
        for x0, y0, x1, y1 in m["crop_boxes"]:
            outside += x0 < 0 or y0 < 0 or x1 > m["width"] or y1 > m["height"]
    assert outside >= 2
    assert parity_cases.case_meta(kotlin_parity, f"two_faces-{recipe}")["num_faces"] == 2
    assert parity_cases.case_meta(kotlin_parity, f"no_face-{recipe}")["num_faces"] == 0
    assert parity_cases.case_meta(kotlin_parity, f"tiny-{recipe}")["num_faces"] == 0
    corrupted = parity_cases.case_meta(kotlin_parity, f"corrupted_outputs-{recipe}")
    assert corrupted["crop_boxes"] != parity_cases.case_meta(kotlin_parity, f"astronaut-{recipe}")["crop_boxes"]


@pytest.mark.parametrize("name", parity_cases.MIRRORED_CASES)
def test_mirrored_cases_would_catch_a_core_that_keeps_the_model_names(kotlin_parity, name, tmp_path):
    parity_cases.check_mirrored_case(*kotlin_parity[name], tmp_path / name)
