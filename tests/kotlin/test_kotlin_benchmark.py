"""The Kotlin benchmark runs and reports sane numbers (how fast is not asserted: timings depend
on the machine; ``python -m packager.parity.kotlin_harness --bench`` prints them), and the wrappers
allocate next to nothing per frame in steady state."""

from __future__ import annotations

import math

import pytest

from packager.parity import kotlin_harness

REPEATS = 5

#: Heap bytes a steady-state frame may allocate (pre+post, one face).  What remains is the
#: results a frame returns, which cannot be reused: the Face (3 boxes — pixels, normalized to the
#: image and to the letterbox — 3 × 6 keypoints and their lists, ≈ 1 KB), the EmotionResult (7
#: boxed probabilities in a list, ≈ 230 bytes), the DetectionInput and EmotionInput handles, the
#: Letterbox and the crop Box (≈ 150 bytes): measured 1,432 bytes (YUV frames) and 1,560 (ARGB)
#: at every frame size with HotSpot 17 (compressed oops).  The bound leaves room
#: for another JVM's object layout (without compressed oops the same objects take ~1.5×); a
#: per-frame buffer would break it at once (the detector's input alone is 196 KB).
MAX_ALLOC_BYTES_PER_FRAME = 2048


@pytest.fixture(scope="module")
def bench(kotlin_classes, prepared_default) -> dict:
    return kotlin_harness.benchmark(repeats=REPEATS)


def test_benchmark_reports_every_size(bench):
    assert bench["repeats"] == REPEATS and bench["warmup"] == kotlin_harness.harness_bench.WARMUP_FRAMES
    assert bench["processes"] == kotlin_harness.harness_bench.PROCESSES >= 3  # an odd median of fresh JVMs
    assert list(bench["sizes"]) == list(kotlin_harness.harness_bench.bench_frames("kotlin"))
    assert [n for n in bench["sizes"] if n.endswith(" nv21")] == ["640x480 nv21", "1920x1080 nv21", "4032x3024 nv21"]
    for name, r in bench["sizes"].items():
        w, h = map(int, name.split()[0].split("x"))
        assert (r["width"], r["height"]) == ((h, w) if " " in name else (w, h))  # camera buffers turn upright
        assert r["faces"] == 1  # the astronaut, found at every size: the emotion stages ran
        times = [v for k, v in r.items() if k.endswith("_ms") and k != "kotlin_pre_post_runs_ms"]
        assert len(times) == 9 and all(math.isfinite(t) and t > 0 for t in times)
        # one pre+post per JVM, the row their median: the spread a reader sees beside it
        runs = r["kotlin_pre_post_runs_ms"]
        assert len(runs) == bench["processes"] and r["kotlin_pre_post_ms"] == sorted(runs)[len(runs) // 2]
        # the denominator: inference timed right before and right after the harness ran this frame
        lo, hi = sorted((r["inference_before_ms"], r["inference_after_ms"]))
        assert lo <= r["reference_inference_ms"] <= hi
        stages = sum(r[f"kotlin_{s}_ms"] for s in ("detector_pre", "detector_post", "emotion_pre", "emotion_post"))
        assert r["kotlin_pre_post_ms"] <= stages * 1.5 + 1.0  # the total is the stages' sum, up to medians
        assert math.isclose(r["ratio"], r["kotlin_pre_post_ms"] / r["reference_inference_ms"])
    table = kotlin_harness.harness_bench.bench_table("kotlin", bench)
    runs = bench["sizes"]["640x480"]["kotlin_pre_post_runs_ms"]
    assert f"| 640x480 | 1 | {bench['sizes']['640x480']['kotlin_pre_post_ms']:.2f} ({min(runs):.2f}–{max(runs):.2f}) |" in table


def test_steady_state_frames_allocate_only_their_results(bench):
    """Bytes allocated per frame (HotSpot's per-thread counter around the timed frames): the
    tensors, the resampler's tables and the decoding arrays are reused, and the bilinear
    letterbox reads the frame in place, so a 12 MP frame allocates what a VGA frame does."""
    for name, r in bench["sizes"].items():
        alloc = r["kotlin_alloc_bytes_per_frame"]
        assert 0 < alloc < MAX_ALLOC_BYTES_PER_FRAME, f"{name}: {alloc:.0f} bytes per frame"
    assert "| kotlin bytes allocated per frame |" in kotlin_harness.harness_bench.bench_table("kotlin", bench).splitlines()[1]
