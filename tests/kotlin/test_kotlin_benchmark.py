"""The Kotlin benchmark runs and reports sane numbers (how fast is not asserted: timings depend
on the machine; ``python -m packager.parity.kotlin --bench`` prints them)."""

from __future__ import annotations

import math

from packager.parity import kotlin


def test_benchmark_reports_every_size(kotlin_classes, prepared_default):
    result = kotlin.benchmark(repeats=3)
    assert result["repeats"] == 3
    assert list(result["sizes"]) == [f"{w}x{h}" for w, h in kotlin.BENCH_SIZES]
    for name, r in result["sizes"].items():
        assert (r["width"], r["height"]) == tuple(map(int, name.split("x")))
        assert r["faces"] == 1  # the astronaut, found at both sizes: the emotion stages ran
        times = [v for k, v in r.items() if k.endswith("_ms")]
        assert len(times) == 7 and all(math.isfinite(t) and t > 0 for t in times)
        stages = sum(r[f"kotlin_{s}_ms"] for s in ("detector_pre", "detector_post", "emotion_pre", "emotion_post"))
        assert r["kotlin_pre_post_ms"] <= stages * 1.5 + 1.0  # the total is the stages' sum, up to medians
        assert math.isclose(r["ratio"], r["kotlin_pre_post_ms"] / r["reference_inference_ms"])
    # four times the pixels cost more to letterbox
    big, small = result["sizes"]["1920x1080"], result["sizes"]["640x480"]
    assert big["kotlin_detector_pre_ms"] > small["kotlin_detector_pre_ms"]
    assert "| 640x480 | 1 |" in kotlin.bench_table(result)
