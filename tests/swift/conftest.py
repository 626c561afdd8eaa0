"""Session fixtures of the Swift suite: one staged build of ios_wrapper, parity cases for every
emotion recipe, and one harness run over all of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager import recipes, samples
from packager.parity import cases, compare, swift
from packager.reference import pipeline


@pytest.fixture(scope="session")
def swift_harness() -> Path:
    """The parity harness, built once per session (debug; the build is cached by source hash)."""
    return swift.build("debug")


@pytest.fixture(scope="session")
def parity_cases(prepared_all, tmp_path_factory) -> dict[str, list[Path]]:
    """recipe → case folders: every parity image through the reference with that recipe."""
    root = tmp_path_factory.mktemp("swift-parity") / "cases"
    images = samples.parity_images()
    out = {}
    for name in recipes.EMOTIONS:
        pipe = pipeline.build_pipeline(prepared_all[name])
        out[name] = cases.write_cases(root, pipe, images, suffix=f"-{name}")
    return out


@pytest.fixture(scope="session")
def parity_results(swift_harness, parity_cases, tmp_path_factory) -> dict[str, list[compare.CaseResult]]:
    """recipe → comparison of each case, from one harness run over all cases."""
    folders = [c for cs in parity_cases.values() for c in cs]
    cases_root = folders[0].parent
    out_root = tmp_path_factory.mktemp("swift-parity-out")
    swift.run_harness(cases_root, out_root)
    return {name: [compare.compare_case(c, out_root / c.name) for c in cs] for name, cs in parity_cases.items()}
