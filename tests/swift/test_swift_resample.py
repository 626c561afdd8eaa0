"""The generated Swift resampler alone (``RGBAImage.resampled``, the harness's ``--resample``
mode) against packager/reference/resample.py on the shared resampling cases
(tests/resample_cases.py): ``bilinear`` and ``nearest`` bit for bit, ``antialias`` within 1e-12,
the same refusals."""

from __future__ import annotations

import pytest

import resample_cases
from packager.parity import swift_harness


@pytest.mark.parametrize("shape, seed", resample_cases.SHAPES)
def test_resampler_matches_the_reference(swift_binary, shape, seed):
    image, jobs = resample_cases.cases(shape, seed)
    problems = resample_cases.problems(image, jobs, swift_harness.resample(image, jobs), "Swift")
    assert not problems, "\n".join(problems[:20])
