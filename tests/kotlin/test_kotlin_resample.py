"""The generated Kotlin resampler (the harness's ``resample`` mode) against
packager/reference/resample.py on the shared resampling cases (tests/resample_cases.py)."""

from __future__ import annotations

import pytest

import resample_cases
from packager.parity import kotlin_harness
from packager.reference import resample as ref


def test_the_packed_sums_fit_their_lanes():
    """Resampler.bilinear sums R and B in the two 32-bit halves of one Long: a channel's largest
    sum, 255 · s_x · s_y · 2^(2 · FRACTION_BITS), must stay below 2^32."""
    assert 255 * ref.MAX_SUBSAMPLES ** 2 * (1 << (2 * ref.FRACTION_BITS)) < 1 << 32


@pytest.mark.parametrize("shape, seed", resample_cases.SHAPES)
def test_resampler_matches_the_reference(kotlin_classes, shape, seed):
    image, jobs = resample_cases.cases(shape, seed)
    problems = resample_cases.problems(image, jobs, kotlin_harness.resample(image, jobs), "Kotlin")
    assert not problems, "\n".join(problems[:20])
