"""The Swift benchmark runs (release build) and reports numbers for every frame size; how fast
it is is reported, not asserted."""

from __future__ import annotations

import math

import pytest

from packager.parity import swift_harness


def test_benchmark_runs_and_reports_every_size(prepared_default):
    result = swift_harness.benchmark(repeats=2)
    assert result["repeats"] == 2 and result["warmup"] == swift_harness.harness_bench.WARMUP_FRAMES
    assert result["processes"] == swift_harness.harness_bench.PROCESSES >= 3
    assert list(result["sizes"]) == list(swift_harness.harness_bench.bench_frames("swift"))
    assert [n for n in result["sizes"] if n.endswith(" nv12")] == ["640x480 nv12", "1920x1080 nv12", "4032x3024 nv12"]
    for name, row in result["sizes"].items():
        w, h = map(int, name.split()[0].split("x"))
        assert (row["width"], row["height"]) == ((h, w) if " " in name else (w, h))  # camera buffers turn upright
        assert row["faces"] == 1, f"{name}: the astronaut should be found once"
        lo, hi = sorted((row["inference_before_ms"], row["inference_after_ms"]))
        assert lo <= row["reference_inference_ms"] <= hi  # the blocks right before and after the harness
        for key in ("swift_pre_post_ms", "reference_inference_ms", "ratio", "reference_pre_post_ms",
                    "swift_detector_pre_ms", "swift_emotion_pre_ms"):
            assert math.isfinite(row[key]) and row[key] > 0, (name, key, row[key])
        assert row["swift_alloc_bytes_per_frame"] is None  # no allocation counter in Swift
        runs = row["swift_pre_post_runs_ms"]  # one per process, the row their median
        assert len(runs) == result["processes"] and row["swift_pre_post_ms"] == sorted(runs)[len(runs) // 2]
        stages = sum(row[f"swift_{s}_ms"] for s in swift_harness.STAGES)
        assert stages == pytest.approx(row["swift_pre_post_ms"], rel=0.5)
    assert "| 1920x1080 |" in swift_harness.harness_bench.bench_table("swift", result)
