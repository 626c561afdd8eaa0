"""Session fixtures of the Swift suite: one staged build of ios_wrapper/FaceEmotionCore, the parity cases of
every emotion recipe (the same case set as the Kotlin suite), and one harness run over all."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.parity import compare, swift_harness

# The parity case set is shared with the Kotlin suite (STYLE.md: parity cases are written once
# and read by every language): tests/parity_cases.py, importable through tests/conftest.py.
import parity_cases as shared_cases


@pytest.fixture(scope="session")
def swift_binary() -> Path:
    """The parity harness, built once per session (debug; the build is cached by source hash)."""
    return swift_harness.build("debug")


@pytest.fixture(scope="session")
def swift_parity(swift_binary, parity_prepared, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """case name → (case folder, harness output folder), for every recipe and image, from one
    harness run over all cases."""
    return shared_cases.run_every_case(tmp_path_factory, parity_prepared, "swift", swift_harness.run_harness)


@pytest.fixture(scope="session")
def swift_results(swift_parity) -> dict[str, compare.CaseResult]:
    return {name: compare.compare_case(case, out) for name, (case, out) in swift_parity.items()}
