"""The whole bench: the reference pipeline, its floor and the peers, side by side, one run
(``packager bench`` prints it: ``packager.commands.bench``).

Sections (each a table): warm latency per image, cold start to first result, model artifacts
(fp32 vs int8), ``packager build`` cold vs warm, generated Kotlin/Swift pre/post.  Targets are
judged on ratios from this run only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from packager import bench
from packager.bench import THROUGHPUT, VIDEO
from packager.bench import contenders as C
from packager.bench import bundle_rows, notes, peers, targets, throughput, video_rows
from packager.bench.table import MEASURED, NOT_AVAILABLE, Report, Row, link_ratios
from packager.timing import ColdStartError, cold_start, interleaved
from packager.progress import Progress
from packager import preparation, recipes
from packager.options import BenchOptions
from packager.imagefiles import load_image

WARM, COLD = "warm", "cold"


def titles(repeats: int, n_images: int, cold_repeats: int, threads: int) -> dict[str, str]:
    return {
        WARM: f"Warm latency per image ({n_images} image{'s' * (n_images != 1)}, median of {repeats} "
              f"interleaved runs; onnxruntime intra-op threads {threads or 'default'})",
        COLD: f"Cold start to first result (fresh process, models cached; median of {cold_repeats})",
        throughput.SECTION: throughput.TITLE,
        video_rows.SECTION: video_rows.TITLE,
        **bundle_rows.TITLES,
    }


def bench_images(paths: list[str], workdir: Path) -> tuple[list[str], list[np.ndarray]]:
    """The user's images, or the astronaut photo (written to a file for the cold starts)."""
    if not paths:
        from PIL import Image

        from packager import samples

        p = workdir / "astronaut.png"
        Image.fromarray(samples.astronaut()).save(p)
        paths = [str(p)]
    return paths, [load_image(p) for p in paths]


PEER_TOOLS = (("fer", peers.FER), ("mediapipe", peers.MEDIAPIPE))


def warm_rows(prepared_models, images, threads: int, repeats: int, with_peers: bool, progress: Progress,
              peer_list=PEER_TOOLS, pipe=None):
    """Time the floor, the reference, its stages and the peers round-robin.  Returns (rows,
    loaded peers by key)."""
    pipe = pipe or preparation.build_pipeline(prepared_models, threads)
    other_threads = 0 if threads != 0 else 1
    other = preparation.build_pipeline(prepared_models, other_threads)
    prepared = C.prepare_images(pipe, images)
    cs = [
        C.Contender("floor", "floor: session.run detector + emotion", C.floor(pipe, prepared),
                    "the bare onnxruntime calls on the reference's own tensors"),
        C.Contender("reference", "reference: end to end", C.end_to_end(pipe, prepared),
                    "numpy pre/post + the same session.run calls; image already decoded"),
        *C.stages(pipe, prepared),
        C.pillow_resize(prepared, pipe.detector.input_size),
    ]
    # Timed on its own, after the others: onnxruntime's idle pool threads spin and would slow
    # whatever runs next to them.
    alone = C.Contender("floor-other-threads", f"floor with {other_threads or 'default'} onnxruntime threads",
                        C.floor(other, prepared), "the thread setting not chosen, timed after the others")
    # The other detectors, end to end on the same images (their faces differ: see the faces column).
    detectors = [C.Contender(f"reference-{name}", f"reference with {name}: end to end",
                             C.end_to_end(p, C.prepare_images(p, images)), "the other detector recipe, same emotion model")
                 for name in recipes.DETECTORS if name != pipe.detector.name
                 for p in [preparation.build_pipeline(preparation.with_detector(prepared_models, name), threads)]]
    cs += detectors
    rows, loaded = [], {}
    for key, peer in peer_list:
        if not with_peers:
            rows.append(Row.unavailable(WARM, key, peer.name, "not available", "skipped (--skip peers)"))
            continue
        try:
            with progress.stage(f"loading {key}"):
                loaded[key] = peers.load(peer)
            cs.append(C.peer(key, peer, loaded[key], images))
        except peers.PeerUnavailable as e:
            rows.append(Row.unavailable(WARM, key, peer.name, e.status, str(e), baseline="floor"))
    faces = {c.key: c.fn() for c in (*cs, alone)}
    with progress.stage(f"timing {len(cs)} contenders × {repeats} runs"):
        stats = interleaved({c.key: c.fn for c in cs}, repeats)
        stats.update(interleaved({alone.key: alone.fn}, repeats))
    cs.append(alone)
    per_image = 1.0 / len(images)
    baselines = {"floor": None, **{c.key: "reference" for c in detectors}}
    measured = [Row(WARM, c.key, c.name, MEASURED, stats[c.key].scaled(per_image),
                    baselines.get(c.key, "floor"), faces=faces[c.key] if faces[c.key] else None,
                    note=c.note) for c in cs]
    return measured + rows, loaded


def cold_rows(image: str, repeats: int, loaded: dict, with_peers: bool, progress: Progress) -> list[Row]:
    runs = [
        ("cold-reference", "packager run IMAGE", ["-m", "packager", "run", image, "--quiet"], True),
        ("cold-python", "  of which: interpreter start", ["-c", "print(1)"], True),
        ("cold-imports", "  of which: import numpy, onnxruntime, PIL",
         ["-c", "import numpy, onnxruntime, PIL.Image; print(1)"], True),
    ]
    for key, peer in PEER_TOOLS:
        model = None
        if key == "mediapipe" and key in loaded:
            from packager.bench import mediapipe_model

            model = str(mediapipe_model.task_model())
        runs.append((f"cold-{key}", peer.name.split(":")[0] + ": import, load, first image",
                     peers.cold_args(key, image, model), key in loaded))
    rows = []
    for key, name, args, available in runs:
        if not available:
            why = "skipped (--skip peers)" if not with_peers else "peer not available (see above)"
            rows.append(Row.unavailable(COLD, key, name, "not available", why))
            continue
        try:
            with progress.stage(f"cold start: {name}"):
                stats = cold_start(args, repeats)
            rows.append(Row(COLD, key, name, MEASURED, stats, None if key == "cold-reference" else "cold-reference",
                            note="to the first line on stdout"))
        except ColdStartError as e:
            rows.append(Row.unavailable(COLD, key, name, "not available", f"not available: failed: {e}"))
    return rows


def measure(opts: BenchOptions, progress: Progress) -> Report:
    """Every section's rows, measured in this one run on ``opts.images`` (or the astronaut photo),
    the ratios linked, the targets judged and the closing notes read off the rows."""
    load_start = os.getloadavg()[0]
    skip = opts.skip
    with tempfile.TemporaryDirectory(prefix="packager-bench-") as tmp:
        paths, pixels = bench_images(list(opts.images), Path(tmp))
        with progress.stage("preparing models (converted once, then cached)"):
            prepared = preparation.prepare(opts.detector)
        pipe = preparation.build_pipeline(prepared, opts.threads)
        rows, loaded = warm_rows(prepared, pixels, opts.threads, opts.repeats, bench.PEERS not in skip, progress,
                                 pipe=pipe)
        for peer in loaded.values():
            peer.close()
        if bench.COLD in skip:
            rows.append(Row.unavailable(COLD, "cold-reference", "packager run IMAGE", NOT_AVAILABLE, "skipped (--skip cold)"))
        else:
            rows += cold_rows(paths[0], opts.cold_repeats, loaded, bench.PEERS not in skip, progress)
        if THROUGHPUT in skip:
            rows.append(Row.unavailable(throughput.SECTION, "throughput-skipped", "packager run DIR", NOT_AVAILABLE,
                                        "skipped (--skip throughput)"))
        else:
            rows += throughput.rows(paths, Path(tmp), progress)
        if VIDEO in skip:
            rows.append(Row.unavailable(video_rows.SECTION, "video-skipped", "packager run VIDEO", NOT_AVAILABLE,
                                        "skipped (--skip video)"))
        else:
            rows += video_rows.rows(pipe, Path(tmp), progress, bench.PEERS not in skip)[0]
        rows += bundle_rows.rows(Path(tmp), pipe, C.prepare_images(pipe, pixels), opts.repeats, opts.threads, skip,
                                 progress)
    link_ratios(rows)
    return Report(rows, targets.evaluate(rows), notes.closing(rows),
                  settings(paths, opts.repeats, opts.cold_repeats, opts.threads, load_start),
                  titles(opts.repeats, len(paths), opts.cold_repeats, opts.threads))


def settings(paths, repeats, cold_repeats, threads, load_start: float) -> dict:
    import platform

    import onnxruntime

    return {"images": paths, "repeats": repeats, "cold_repeats": cold_repeats, "threads": threads,
            "cpu_count": os.cpu_count(), "load_start": load_start, "load_end": os.getloadavg()[0],
            "python": platform.python_version(),
            "numpy": np.__version__, "onnxruntime": onnxruntime.__version__}
