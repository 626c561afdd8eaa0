"""What ``packager run`` is given and how its images are run: arguments → image and video paths,
output files checked before any work, the models prepared, and throughput mode (many images on
every core).  The command itself (what it prints, its exit code) is ``packager.commands.run``."""

from __future__ import annotations

import os
import time
from pathlib import Path

from packager import interrupts, outputs, preparation, report
from packager.errors import PackagerError
from packager.progress import Bar, Progress
from packager.imagefiles import load_image
from packager.videofiles import VIDEO_SUFFIXES, is_video

ANNOTATE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
#: Files a folder argument contributes (by suffix, case-insensitive).
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}
MEDIA_SUFFIXES = IMAGE_SUFFIXES | VIDEO_SUFFIXES
GLOB_CHARS = set("*?[")


def expand(args: list[str]) -> tuple[list[str], bool]:
    """Command-line arguments → image and video paths, and whether throughput mode applies (a folder
    or a glob pattern was given).  A folder contributes its image and video files (sorted, not
    recursive); a pattern that is not an existing file is expanded by ``matching``."""
    out, many = [], False
    for a in args:
        if os.path.isdir(a):
            many = True
            found = sorted(str(p) for p in Path(a).iterdir() if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES)
            if not found:
                raise PackagerError(f"no image or video files ({', '.join(sorted(MEDIA_SUFFIXES))}) in folder {a}")
            out += found
        elif not os.path.exists(a) and GLOB_CHARS & set(a):
            many = True
            found = matching(a)
            if not found:
                raise PackagerError(f"no files match {a}")
            out += found
        else:
            out.append(a)
    return out, many


def matching(pattern: str) -> list[str]:
    """The files a glob pattern names, sorted, each once: ``**`` is recursive but does not enter
    symlinked folders (``glob.glob`` does, and walks a symlink loop 40 levels deep: one file 41
    times; two loops, 2^40 paths), a file reached by two names counts once (by its real path), and
    ``*`` skips hidden files as a shell does."""
    parts = Path(pattern).parts
    first = next(i for i, part in enumerate(parts) if GLOB_CHARS & set(part))
    root, rest = Path(*parts[:first]) if first else Path("."), Path(*parts[first:])
    wants_hidden = any(part.startswith(".") for part in rest.parts)
    seen, out = set(), []
    for p in sorted(root.glob(str(rest))):
        hidden = any(part.startswith(".") for part in p.relative_to(root).parts)
        real = os.path.realpath(p)
        if p.is_file() and (wants_hidden or not hidden) and real not in seen:
            seen.add(real)
            out.append(str(p))
    return out


def check_output(flag: str, out: str | None, suffixes, inputs: list[str]) -> None:
    """An output file (``--annotate``, ``--csv``): a name with one of ``suffixes``, and an output
    file by the shared rule (``outputs.check_file``: not a folder, not one of the inputs, in a
    folder that takes a new file)."""
    if out is None:
        return
    if Path(out).suffix.lower() not in suffixes:
        raise PackagerError(f"{flag} {out}: use a {' or '.join(sorted(suffixes))} file name")
    outputs.check_file(out, flag, inputs=inputs)


def check_annotate_target(out: str | None, inputs: list[str]) -> None:
    """``--annotate OUT``: one input; a .png/.jpg for an image, a .mp4 for a video."""
    if out is None:
        return
    if len(inputs) != 1:
        raise PackagerError("--annotate takes one image or video; run them one at a time to annotate each")
    if is_video(inputs[0]):
        check_output("--annotate", out, {".mp4"}, inputs)
    else:
        check_output("--annotate", out, ANNOTATE_FORMATS, inputs)


def load_each(images: list[str], alone: bool) -> dict:
    """Path → pixels.  The one input that cannot be read (``alone``) is the command's failure (one
    line, exit 2); of several named files, each that cannot be read maps to its one-line reason
    instead, and the others go on (as in folder mode)."""
    if alone:
        return {p: load_image(p) for p in images}
    out = {}
    for p in images:
        try:
            out[p] = load_image(p)
        except PackagerError as e:
            out[p] = str(e)
    return out


def prepare(detector: str, emotion_recipe: str, emotion_model: str | None, progress: Progress):
    if emotion_model is not None:
        emotion_model = os.fspath(emotion_model)
    with progress.stage("preparing models (converted once, then cached)"):
        return preparation.prepare(detector, emotion_recipe, emotion_model)


# --- throughput mode: many images, every core busy ---------------------------------------------

# One pipeline per worker process, built once by the pool's initializer (processes, not threads:
# the Python parts of pre/post hold the GIL, so threads would leave a core idle).
_worker_pipeline = None


def _init_worker(prepared, threads: int) -> None:
    global _worker_pipeline
    _worker_pipeline = preparation.build_pipeline(prepared, threads)


def _run_one(path: str):
    """(width, height, faces) of one image, or the one-line reason it failed: a bad file among
    many is reported and the others go on."""
    interrupts.pause_worker_for_test(path)
    try:
        rgb = load_image(path)
        return rgb.shape[1], rgb.shape[0], _worker_pipeline(rgb)
    except PackagerError as e:
        return str(e)
    except Exception as e:  # whatever an image does to the pipeline, the other images go on
        return f"{path}: {type(e).__name__}: {' '.join(str(e).split())}"


def run_many(paths: list[str], prepared, as_json: bool, threads: int, workers: int, progress: Progress,
             print_fn=print) -> tuple[list[dict], dict, list]:
    """Every image through the pipeline on ``workers`` processes; returns the JSON entries in
    input order, the throughput summary (images per second, also said on stderr) and the
    (path, faces) of each image processed.  An image that fails is reported where it stands
    (``packager: error: …`` on stderr; ``{"image", "error"}`` in the JSON) and the others go
    on, a worker that dies included (``packager.pool``: its images are retried once)."""
    from packager import pool  # not at module level: cold start of one image

    det = prepared.detector.recipe
    workers = max(1, min(workers, len(paths)))
    results, faces, failed, processed = [], 0, 0, []
    bar = Bar(len(paths), progress, unit="images")
    start = time.perf_counter()

    def take(i: int, got) -> None:
        nonlocal faces, failed
        path = paths[i]
        bar.close()
        if isinstance(got, str):
            failed += 1
            results.append({"image": path, "error": got})
            print(f"packager: error: {got}", file=progress.stream, flush=True)
        else:
            w, h, found = got
            faces += len(found)
            processed.append((path, found))
            results.append({"image": path, "width": w, "height": h,
                            "faces": [report.face_dict(f, det) for f in found]})
            if not as_json:
                print_fn(report.text(path, found, det))
        bar.update(i + 1)

    try:
        pool.run_all(paths, _run_one, workers, _init_worker, (prepared, threads), take,
                     died=lambda path: f"{path}: {pool.DIED}")
    finally:
        bar.close()
    took = time.perf_counter() - start
    done = len(paths) - failed
    summary = {"images": len(paths), "failed": failed, "faces": faces, "seconds": took,
               "images_per_second": done / took, "workers": workers}
    progress.say(f"{done} images, {faces} faces in {took:.2f} s: {summary['images_per_second']:.1f} images/s "
                 f"({workers} worker{'s' * (workers != 1)})" + (f"; {failed} failed" if failed else ""))
    return results, summary, processed
