"""Bad input never crashes the generated Kotlin: a documented PackagerException (the subclass
named like the `PackagerError` case Swift throws at the same place: a bad box InvalidBoxException,
a bad model output InvalidTensorException, ...) or an empty result, as the reference does (ValueError / no
faces).  A fuzz run with a fixed seed drives thousands of random images, boxes and model outputs
through the compiled core."""

from __future__ import annotations

import edge_cases
import pytest

from packager.parity import kotlin_harness

FUZZ_SEED = 20240601
FUZZ_ITERATIONS = 5000


@pytest.fixture(scope="module")
def fuzz_result(kotlin_classes) -> dict:
    return kotlin_harness.fuzz(FUZZ_SEED, FUZZ_ITERATIONS)


def test_fuzz_finds_nothing_unexpected(fuzz_result):
    assert fuzz_result["unexpected_count"] == 0, "\n".join(fuzz_result["unexpected"])


def test_fuzz_exercises_every_path(fuzz_result):
    """The random inputs reach both outcomes of every stage, and decode real numbers of faces."""
    stages = {"detector_preprocess", "detector_postprocess", "emotion_preprocess", "emotion_postprocess"}
    assert set(fuzz_result["calls"]) == stages
    for stage in stages:
        assert 0 < fuzz_result["rejected"].get(stage, 0) < fuzz_result["calls"][stage], stage
    assert fuzz_result["iterations"] == FUZZ_ITERATIONS
    assert fuzz_result["faces"] > FUZZ_ITERATIONS


@pytest.mark.parametrize("name", sorted(edge_cases.expected_outcomes()))
def test_edge_like_the_reference_and_swift(fuzz_result, name):
    """The reference's outcome, or where it refuses the input, the PackagerError case Swift throws
    at the same place (tests/edge_cases.py; tests/swift/test_swift_edges.py holds Swift to it)."""
    assert fuzz_result["edges"][name] == edge_cases.expected_outcomes()[name]


def test_edge_cases_are_the_shared_ones(fuzz_result):
    assert set(fuzz_result["edges"]) == set(edge_cases.expected_outcomes())
