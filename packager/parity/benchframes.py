"""What the Kotlin and Swift benchmarks share: the frames they time and the reference
timings they are set beside, so that both tables compare."""

from __future__ import annotations

import sys
import time

import numpy as np

#: Frame sizes (width, height) of the wrapper benchmarks: VGA, 1080p and a 12 MP photo.
BENCH_SIZES = ((640, 480), (1920, 1080), (4032, 3024))


def bench_frame(width: int, height: int) -> np.ndarray:
    """A real width×height RGB frame: the coffee photo stretched as background, the astronaut
    photo scaled to the frame height and centred (one face)."""
    from PIL import Image

    from packager import samples

    frame = Image.fromarray(samples.no_face()).resize((width, height), Image.Resampling.BILINEAR)
    side = min(width, height)
    face = Image.fromarray(samples.astronaut()).resize((side, side), Image.Resampling.BILINEAR)
    frame.paste(face, ((width - side) // 2, (height - side) // 2))
    return np.asarray(frame)


def median_ms(fn, repeats: int) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def reference_times(pipe, rgb: np.ndarray, repeats: int) -> tuple[float, float]:
    """(model inference ms, numpy pre+post ms) of the reference on one frame, medians: the
    detector once, the emotion model once per face."""
    from packager.reference import detect, emotion
    from packager.reference.pipeline import to_pixels

    t = pipe.trace(rgb)

    def inference():
        pipe.run_detector(t.detector_input)
        for x in t.emotion_inputs:
            pipe.run_emotion(x)

    def pre_post():
        x, box = detect.preprocess(pipe.detector, rgb)
        for det, out in zip(detect.postprocess(pipe.detector, t.regressors, t.classificators), t.emotion_outputs):
            emotion.preprocess(pipe.emotion, rgb, to_pixels(det, box)[0])
            emotion.postprocess(pipe.emotion, out)

    return median_ms(inference, repeats), median_ms(pre_post, repeats)


#: Pre/post stages each wrapper benchmark times separately.
STAGES = ("detector_pre", "detector_post", "emotion_pre", "emotion_post")


def size_result(lang: str, pipe, rgb, repeats: int, row: dict, total_ms: float, stage_ms: dict) -> dict:
    """One frame size of a wrapper benchmark beside the reference timed on the same frame:
    ``{"width", "height", "faces", "<lang>_pre_post_ms", "reference_inference_ms", "ratio",
    "reference_pre_post_ms", "<lang>_<stage>_ms"...}``; ratio = pre+post / model inference."""
    inference, ref_pre_post = reference_times(pipe, rgb, repeats)
    return {
        "width": row["width"], "height": row["height"], "faces": row["faces"],
        f"{lang}_pre_post_ms": total_ms, "reference_inference_ms": inference,
        "ratio": total_ms / inference, "reference_pre_post_ms": ref_pre_post,
        **{f"{lang}_{s}_ms": stage_ms[s] for s in STAGES},
    }


def bench_main(lang: str, module, argv: list[str] | None = None) -> int:
    """``python -m packager.parity.<lang> --bench``: print ``module.bench_table(module.benchmark())``."""
    import argparse

    from packager.errors import PackagerError

    p = argparse.ArgumentParser(prog=f"python -m packager.parity.{lang}", description=f"{lang.capitalize()} core benchmark.")
    p.add_argument("--bench", action="store_true", help=f"time {lang.capitalize()} pre+post processing against model inference")
    p.add_argument("--repeats", type=int, default=30, metavar="N")
    args = p.parse_args(argv)
    if not args.bench:
        p.print_help()
        return 2
    try:
        print(module.bench_table(module.benchmark(args.repeats)))
    except PackagerError as e:
        print(f"packager: error: {e}", file=sys.stderr)
        return 2
    return 0
