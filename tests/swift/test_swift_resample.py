"""The generated Swift resampler alone (``RGBAImage.resampled``, the harness's ``--resample``
mode) against packager/reference/resample.py, value by value: ``bilinear`` and ``nearest`` bit for
bit, ``antialias`` within 1e-12 (the spec's statement), the same refusals.

The rectangles are the Kotlin suite's (tests/kotlin/test_kotlin_resample.py: sub-pixel and
random-bit coordinates, up- and downscales with different sub-sample counts per axis, rectangles
partly or wholly outside, weights at the ends of their range, the refusal limits, and the spans
where computing c in another order or with a fused multiply-add would move a tap), read from that
file so that both languages are held to one list."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from packager.parity import swift

METHODS = ("bilinear", "antialias", "nearest")


def _kotlin_jobs():
    path = Path(__file__).resolve().parents[1] / "kotlin" / "test_kotlin_resample.py"
    spec = importlib.util.spec_from_file_location("shared_resample_jobs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


JOBS = _kotlin_jobs()


@pytest.mark.parametrize("shape, seed", [((37, 53), 0), ((1, 1), 1), ((3, 200), 2), ((64, 5), 3)])
def test_resampler_matches_the_reference(swift_harness, shape, seed):
    image = np.random.default_rng(seed + 100).integers(0, 256, (*shape, 3)).astype(np.uint8)
    jobs = JOBS._jobs(shape[1], shape[0], seed)
    if shape == (37, 53):
        jobs += JOBS._sensitive_jobs(shape[1], shape[0])
    got = swift.resample(image, jobs)
    assert len(got) == len(jobs)
    problems = []
    for job, out in zip(jobs, got):
        want = JOBS._reference(image, job)
        if (want is None) != (out is None):
            problems.append(f"{job}: reference {'refuses' if want is None else 'accepts'}, Swift does not")
        elif want is None:
            continue
        elif job["method"] == "antialias":
            if not np.allclose(out, want, rtol=0, atol=1e-12):
                problems.append(f"{job}: differs by {np.abs(out - want).max():.3g}")
        elif not np.array_equal(out, want):
            problems.append(f"{job}: {int((out != want).sum())} values differ, by up to {np.abs(out - want).max():.3g}")
    assert not problems, "\n".join(problems[:20])
    methods = [j["method"] for j, o in zip(jobs, got) if o is not None]
    assert all(methods.count(m) > 100 for m in METHODS)  # the comparison really ran for each
    assert sum(o is None for o in got) >= 10  # and the refusals were exercised


def test_the_sensitive_spans_are_in_the_list():
    """The FMA- and order-sensitive spans reach the Swift comparison (their sensitivity is
    proven in the Kotlin suite, in Python, for any language)."""
    jobs = JOBS._sensitive_jobs(53, 37)
    assert {j["method"] for j in jobs} == {"bilinear", "nearest"} and len(jobs) >= 16
