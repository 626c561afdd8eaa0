"""What the Kotlin and Swift benchmarks share: the frames they time, the harness protocol, and
the reference timings they are set beside, so that both tables compare.

The protocol: Python writes one parity case folder per frame size under ``CASES_ROOT``; the
harness (Kotlin ``bench CASES_ROOT WARMUP REPEATS OUT.json``, Swift ``--bench`` with the same
arguments) runs ``WARMUP`` untimed frames then ``REPEATS`` timed ones per case, with one pair of
wrappers for all frames, and writes ``OUT.json``: case name → ``BENCH_KEYS``, every time a median
over the timed frames of the benchmark thread's CPU time (``pre_post_ms``: of each frame's sum of
the stages); ``alloc_bytes_per_frame`` is null where the runtime has no allocation counter
(Swift). ``benchmark`` starts ``PROCESSES`` harness processes per frame and reports the median of
their medians with their spread (``combine``): one JVM's compiled code alone can make a row 2x.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

from packager.errors import PackagerError
from packager.reference import frames

#: Frame sizes (width, height) of the wrapper benchmarks: VGA, 1080p and a 12 MP photo.
BENCH_SIZES = ((640, 480), (1920, 1080), (4032, 3024))
#: The camera frames each wrapper benchmark times too, as the platform's camera delivers them: a
#: landscape sensor buffer turned 90° for a phone held upright, Android's NV21 (``YUV_420_888``
#: with pixel stride 2) and iOS's 420f (bi-planar, Cb first), at every size the RGB rows have.
CAMERA_LAYOUT = {"kotlin": "nv21", "swift": "nv12"}
CAMERA_SIZES = BENCH_SIZES
CAMERA_ROTATION = 90


def bench_frames(lang: str) -> dict[str, "np.ndarray | frames.Frame"]:
    """The frames a wrapper benchmark times, by row name: ``640x480`` (RGB pixels) …, then
    ``640x480 nv21`` … (a camera buffer of that size, upright ``CAMERA_ROTATION`` degrees away)."""
    images = {f"{w}x{h}": bench_frame(w, h) for w, h in BENCH_SIZES}
    layout = CAMERA_LAYOUT[lang]
    for w, h in CAMERA_SIZES:
        images[f"{w}x{h} {layout}"] = frames.from_rgb(bench_frame(h, w), layout, CAMERA_ROTATION)
    return images


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


#: onnxruntime intra-op threads of the reference sessions a wrapper benchmark divides by when it
#: runs on its own: ``packager bench``'s default (``--threads``), so its floor and these rows time
#: the same sessions. ``packager bench`` passes its own pipeline instead.
BENCH_THREADS = 1


def inference_call(pipe, image) -> Callable[[], None]:
    """Model inference on one frame, as the floor times it: the detector once, the emotion model
    once per face, on the reference's own tensors of that frame (the faces the harness sees)."""
    t = pipe.trace(image)

    def inference():
        pipe.run_detector(t.detector_input)
        for x in t.emotion_inputs:
            pipe.run_emotion(x)

    return inference


def reference_pre_post_ms(pipe, image, repeats: int) -> float:
    """Median ms of the numpy reference's pre+post on one frame (the faces it finds)."""
    from packager.reference import detect, emotion
    from packager.reference.pipeline import to_pixels

    t = pipe.trace(image)

    def pre_post():
        x, box = detect.preprocess(pipe.detector, image)
        for det, out in zip(detect.postprocess(pipe.detector, t.regressors, t.classificators), t.emotion_outputs):
            emotion.preprocess(pipe.emotion, image, to_pixels(det, box)[0])
            emotion.postprocess(pipe.emotion, out)

    return median_ms(pre_post, repeats)


#: Pre/post stages each wrapper benchmark times separately.
STAGES = ("detector_pre", "detector_post", "emotion_pre", "emotion_post")

#: Untimed frames before the timed ones, in each harness process: enough for HotSpot's C2 to have
#: compiled the hot loops in their final form even on a busy two-core machine, as on a device after
#: the first seconds of a camera stream (after 300, about 0.1 s, C2 was at times still compiling:
#: 640x480 NV21 0.39-1.38 ms over 6 JVMs; after 1500, 0.36-0.37; DESIGN.md "The bench's camera
#: rows"); for Swift, caches, branch predictors and the wrappers' reused memory settle.
WARMUP_FRAMES = 1500

#: Fresh harness processes (a JVM, a Swift executable) per frame row; the row is the median of
#: their medians and carries their spread, so that one process whose compiled code settled on a
#: slower form moves the row's spread, not its verdict.
PROCESSES = 3

#: What a harness writes per case (see the module docstring).
BENCH_KEYS = ("width", "height", "faces", *(f"{s}_ms" for s in STAGES), "pre_post_ms", "alloc_bytes_per_frame")


def read_bench(path: Path, names) -> dict[str, dict]:
    """A harness's ``OUT.json``: the row of every case in ``names``; PackagerError when the file,
    a case or a key is missing."""
    if not Path(path).is_file():
        raise PackagerError(f"the benchmark wrote no {path}")
    rows = json.loads(Path(path).read_text())
    for name in names:
        missing = [k for k in BENCH_KEYS if k not in rows.get(name, {})]
        if missing:
            raise PackagerError(f"the benchmark's row {name!r} lacks {', '.join(missing)}")
    return {name: rows[name] for name in names}


def combine(runs: list[dict]) -> dict:
    """One row from ``read_bench`` rows of separate harness processes on the same frame: every time
    the median of theirs, ``pre_post_runs_ms`` each process's pre+post (their spread), the bytes
    allocated per frame the largest (None where a process has no counter)."""
    row = dict(runs[0])
    for key in BENCH_KEYS:
        if key.endswith("_ms"):
            row[key] = float(np.median([r[key] for r in runs]))
    alloc = [r["alloc_bytes_per_frame"] for r in runs]
    row["alloc_bytes_per_frame"] = None if None in alloc else max(alloc)
    row["pre_post_runs_ms"] = [r["pre_post_ms"] for r in runs]
    return row


def size_result(lang: str, row: dict, before: list[float], after: list[float], ref_pre_post: float) -> dict:
    """One frame size of a wrapper benchmark (``combine``'s row) beside model inference timed right
    before and right after the harness processes ran that frame (``before``, ``after``: seconds per
    call): ``{"width", "height", "faces", "<lang>_pre_post_ms", "<lang>_pre_post_runs_ms" (each
    process's), "reference_inference_ms" (median of both blocks),
    "inference_before_ms", "inference_after_ms", "ratio", "reference_pre_post_ms",
    "<lang>_<stage>_ms"..., "<lang>_alloc_bytes_per_frame"}``; ratio = pre+post / inference."""
    inference = float(np.median(before + after)) * 1e3
    return {
        "width": row["width"], "height": row["height"], "faces": row["faces"],
        f"{lang}_pre_post_ms": row["pre_post_ms"], f"{lang}_pre_post_runs_ms": row["pre_post_runs_ms"],
        "reference_inference_ms": inference,
        "inference_before_ms": float(np.median(before)) * 1e3, "inference_after_ms": float(np.median(after)) * 1e3,
        "ratio": row["pre_post_ms"] / inference, "reference_pre_post_ms": ref_pre_post,
        **{f"{lang}_{s}_ms": row[f"{s}_ms"] for s in STAGES},
        f"{lang}_alloc_bytes_per_frame": row["alloc_bytes_per_frame"],
    }


def benchmark(lang: str, run_bench: Callable[[Path, int, int, Path], None], repeats: int, pipe=None,
              threads: int = BENCH_THREADS) -> dict:
    """A wrapper benchmark at each of ``BENCH_SIZES`` (and the camera frames): ``run_bench(
    cases_root, warmup, repeats, out_json)`` runs the harness's bench mode, ``PROCESSES`` times per
    frame (each a fresh process: the row is ``combine``'s median of their medians), and model
    inference on that frame's faces is timed ``repeats`` times right before and right after them —
    CPU time (the calling thread's with one intra-op thread, else the process's), as the
    harnesses time their stages, so that a busy machine lengthens neither side —, with ``pipe``'s
    sessions (``packager bench``'s, whose floor is timed the same way, with
    its ``threads``; by default a pipeline with ``threads`` = ``BENCH_THREADS``), so that the denominator sees the machine as the harness did.
    Returns ``{"repeats": n, "warmup": w, "processes": p, "threads": t, "sizes": {"640x480":
    size_result(...), ...}}``."""
    from packager import preparation
    from packager.timing import samples
    from packager.parity import cases

    if repeats < 1:
        raise PackagerError("repeats must be at least 1")
    pipe = pipe or preparation.build_pipeline(preparation.prepare(), threads)
    # One intra-op thread runs the models in the calling thread: its CPU time is all of their
    # work. Otherwise the pool's threads work too, and the process's CPU time counts them.
    clock = time.thread_time if threads == 1 else time.process_time
    images = bench_frames(lang)
    sizes = {}
    with tempfile.TemporaryDirectory(prefix=f"packager-{lang}-bench-") as tmp:
        for i, (name, image) in enumerate(images.items()):
            root = Path(tmp) / f"cases{i}"
            cases.write_cases(root, pipe, {name: image})
            inference = inference_call(pipe, image)
            before = samples(inference, repeats, clock=clock)
            runs = []
            for k in range(PROCESSES):
                out = Path(tmp) / f"bench{i}-{k}.json"
                run_bench(root, WARMUP_FRAMES, repeats, out)
                runs.append(read_bench(out, [name])[name])
            after = samples(inference, repeats, clock=clock)
            row = combine(runs)
            sizes[name] = size_result(lang, row, before, after, reference_pre_post_ms(pipe, image, repeats))
    return {"repeats": repeats, "warmup": WARMUP_FRAMES, "processes": PROCESSES, "threads": threads, "sizes": sizes}


#: How each language's benchmarked code runs.
RUNS_AS = {"kotlin": "JVM, JIT-warm", "swift": "release build"}


def bench_table(lang: str, result: dict) -> str:
    """Markdown table of ``benchmark(lang, ...)``'s result, one row per frame size."""
    lines = [
        f"{lang.capitalize()} pre+post per frame ({RUNS_AS[lang]}) vs the reference's model inference on the same machine, "
        f"median of {result['processes']} processes' medians of {result['repeats']} (their range in brackets)",
        f"| frame | faces | {lang} pre+post ms | detector pre / post ms | emotion pre / post ms "
        f"| reference inference ms | ratio | numpy pre+post ms | {lang} bytes allocated per frame |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in result["sizes"].items():
        alloc = r[f"{lang}_alloc_bytes_per_frame"]
        lines.append(
            f"| {name} | {r['faces']} | {r[f'{lang}_pre_post_ms']:.2f} ({spread(r[f'{lang}_pre_post_runs_ms'])}) "
            f"| {r[f'{lang}_detector_pre_ms']:.2f} / {r[f'{lang}_detector_post_ms']:.3f} "
            f"| {r[f'{lang}_emotion_pre_ms']:.2f} / {r[f'{lang}_emotion_post_ms']:.4f} "
            f"| {r['reference_inference_ms']:.2f} | {r['ratio']:.2f} | {r['reference_pre_post_ms']:.2f} "
            f"| {'–' if alloc is None else f'{alloc:,.0f}'} |")
    lines.append(f"ratio = {lang} pre+post / reference model inference (below 1: cheaper than the models)")
    return "\n".join(lines)


def spread(runs: list[float]) -> str:
    """``0.21–0.24``: the range of the processes' pre+post medians, in ms."""
    return f"{min(runs):.2f}–{max(runs):.2f}"


def bench_main(lang: str, module, argv: list[str] | None = None) -> int:
    """``python -m packager.parity.<lang>_harness --bench``: print ``bench_table(lang, module.benchmark())``."""
    import argparse

    from packager.errors import PackagerError

    p = argparse.ArgumentParser(prog=f"python -m packager.parity.{lang}_harness", description=f"{lang.capitalize()} core benchmark.")
    p.add_argument("--bench", action="store_true", help=f"time {lang.capitalize()} pre+post processing against model inference")
    p.add_argument("--repeats", type=int, default=30, metavar="N")
    args = p.parse_args(argv)
    if not args.bench:
        p.print_help()
        return 2
    try:
        print(bench_table(lang, module.benchmark(args.repeats)))
    except PackagerError as e:
        print(f"packager: error: {e}", file=sys.stderr)
        return 2
    return 0
