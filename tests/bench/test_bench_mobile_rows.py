"""The generated cores' rows hold still: each is the median of several fresh harness processes,
and it carries their spread, so one JVM whose compiled code settled on a slower form shows in the
row's range instead of flipping its verdict."""

from __future__ import annotations

import importlib

import pytest

from packager import parity
from packager.bench import bundle_rows
from packager.parity import harness_bench
from packager.progress import Progress


def _harness_row(pre_post: float, alloc: int | None = 1432) -> dict:
    return {"width": 480, "height": 640, "faces": 1, "detector_pre_ms": pre_post * 0.7, "detector_post_ms": 0.01,
            "emotion_pre_ms": pre_post * 0.3, "emotion_post_ms": 0.001, "pre_post_ms": pre_post,
            "alloc_bytes_per_frame": alloc}


def test_a_row_is_the_median_of_its_processes_and_keeps_each():
    row = harness_bench.combine([_harness_row(0.36), _harness_row(1.21, 1560), _harness_row(0.37)])
    assert row["pre_post_ms"] == 0.37 and row["pre_post_runs_ms"] == [0.36, 1.21, 0.37]
    assert row["detector_pre_ms"] == pytest.approx(0.37 * 0.7)  # every stage: the median of the processes'
    assert row["alloc_bytes_per_frame"] == 1560  # the largest: a bound on every process
    assert harness_bench.combine([_harness_row(0.2, None)] * 3)["alloc_bytes_per_frame"] is None
    assert harness_bench.spread(row["pre_post_runs_ms"]) == "0.36–1.21"


@pytest.mark.parametrize("lang", parity.LANGUAGES)
def test_the_bench_reaches_each_harness(lang):
    """``packager bench`` imports the harness by its name in ``parity.HARNESSES`` (after a rename
    the bench once kept its own spelling, and both rows said "not available")."""
    assert bundle_rows._missing(parity.HARNESSES[lang], "benchmark") is None


def test_a_mobile_row_carries_the_processes_and_their_spread(monkeypatch):
    runs = [0.36, 1.21, 0.37]
    for lang in parity.LANGUAGES:
        size = harness_bench.size_result(lang, harness_bench.combine([_harness_row(v) for v in runs]),
                                         [0.001] * 3, [0.001] * 3, 2.0)
        result = {"repeats": 10, "warmup": harness_bench.WARMUP_FRAMES, "processes": 3, "sizes": {"640x480 nv21": size}}
        monkeypatch.setattr(importlib.import_module(parity.HARNESSES[lang]), "benchmark",
                            lambda repeats, r=result, **kw: r)
    rows = {r.key: r for r in bundle_rows.mobile_rows(10, Progress(quiet=True))}
    row = rows["mobile-kotlin-640x480 nv21"]
    assert row.runs == runs and row.stats.median == 0.37 and row.stats.n == 30
    assert f"median of 3 JVMs' medians of 10 frames after {harness_bench.WARMUP_FRAMES}" in row.note
    assert "(pre+post 0.36–1.21 ms)" in row.note and row.as_dict()["runs_ms"] == runs
    assert "median of 3 processes' medians" in rows["mobile-swift-640x480 nv21"].note
