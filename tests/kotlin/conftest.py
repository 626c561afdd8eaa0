"""Session fixtures of the Kotlin suite: the core compiled once, the parity cases of every
emotion recipe written once and run through the harness once."""

from __future__ import annotations

from pathlib import Path

import pytest

import parity_cases
from packager.parity import kotlin_harness


@pytest.fixture(scope="session")
def kotlin_classes() -> Path:
    """Core + harness compiled (cached by source hash in the session's packager cache)."""
    return kotlin_harness.compile_harness()


@pytest.fixture(scope="session")
def kotlin_parity(tmp_path_factory, parity_prepared, kotlin_classes) -> dict[str, tuple[Path, Path]]:
    """case name → (case folder, harness output folder), for every recipe and image."""
    return parity_cases.run_every_case(tmp_path_factory, parity_prepared, "kotlin", kotlin_harness.run_harness)
