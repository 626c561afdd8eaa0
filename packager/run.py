"""``packager run``: the reference pipeline on image files."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

from packager import outputs, preparation, recipes, report
from packager.errors import PackagerError
from packager.progress import Progress
from packager.imagefiles import load_image

ANNOTATE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
#: Files a folder argument contributes (by suffix, case-insensitive).
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}
GLOB_CHARS = set("*?[")
#: Exit code of throughput mode when some images failed (each reported; the others' results are
#: complete).  2 stays "nothing was done" (bad arguments, a bad model).
FAILED_IMAGES = 1


def expand(args: list[str]) -> tuple[list[str], bool]:
    """Command-line arguments → image paths, and whether throughput mode applies (a folder or a
    glob pattern was given).  A folder contributes its image files (sorted, not recursive); a
    pattern that is not an existing file is expanded by ``matching``."""
    out, many = [], False
    for a in args:
        if os.path.isdir(a):
            many = True
            found = sorted(str(p) for p in Path(a).iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                raise PackagerError(f"no image files ({', '.join(sorted(IMAGE_SUFFIXES))}) in folder {a}")
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


def check_annotate_target(out: str | None, images: list[str]) -> None:
    """``--annotate OUT``: one image, a .png/.jpg name, and an output file by the shared rule
    (``outputs.check_file``: not a folder, not the input itself, in a folder that takes a new file)."""
    if out is None:
        return
    if len(images) != 1:
        raise PackagerError("--annotate takes one image; run the images one at a time to annotate each")
    suffix = Path(out).suffix.lower()
    if suffix not in ANNOTATE_FORMATS:
        raise PackagerError(f"--annotate {out}: use a .png or .jpg file name")
    outputs.check_file(out, "--annotate", inputs=images, input_kind="input image")


def run_images(
    images: list[str], emotion_recipe: str, emotion_model: str | None, as_json: bool,
    annotate: str | None, threads: int, progress: Progress, print_fn=print, workers: int | None = None,
    detector: str = recipes.AUTO_DETECTOR,
) -> int:
    """Detect faces and classify their emotions on each image; print text or JSON.

    A folder or glob pattern among ``images`` (or ``workers`` > 1) selects throughput mode:
    images are decoded and processed on ``workers`` processes (default: one per core)."""
    if workers is not None and workers < 1:
        raise PackagerError(f"--workers {workers}: give 1 or more worker processes")
    if threads < 0:
        raise PackagerError(f"--threads {threads}: give 1 or more, or 0 for onnxruntime's default")
    images, many = expand(images)
    check_annotate_target(annotate, images)
    if (many or (workers or 1) > 1) and not annotate:
        prepared = _prepare(detector, emotion_recipe, emotion_model, progress)
        return run_many(images, prepared, as_json, threads, workers or os.cpu_count() or 1, progress, print_fn)
    pixels = _load_each(images)  # every image is checked before any work
    prepared = _prepare(detector, emotion_recipe, emotion_model, progress)
    pipe = preparation.build_pipeline(prepared, threads)
    det = prepared.detector.recipe
    results = []
    for path, rgb in pixels.items():
        if isinstance(rgb, str):  # one of several named files: reported where it stands, as in folder mode
            results.append({"image": path, "error": rgb})
            print(f"packager: error: {rgb}", file=progress.stream, flush=True)
            continue
        faces = pipe(rgb)
        results.append({"image": path, "width": rgb.shape[1], "height": rgb.shape[0],
                        "faces": [report.face_dict(f, det) for f in faces]})
        if not as_json:
            print_fn(report.text(path, faces, det))
        if annotate:
            buf = io.BytesIO()
            report.annotate(rgb, faces).save(buf, format=ANNOTATE_FORMATS[Path(annotate).suffix.lower()])
            outputs.write_file(Path(annotate), buf.getvalue(), "--annotate")
    if as_json:
        print_fn(json.dumps({"detector": prepared.detector_name, "emotion": prepared.emotion.recipe.name, "images": results}, indent=2))
    return FAILED_IMAGES if any("error" in r for r in results) else 0


def _load_each(images: list[str]) -> dict:
    """Path → pixels.  One image that cannot be read is the command's failure (one line, exit 2);
    of several named files, each that cannot be read maps to its one-line reason instead, and the
    others go on (as in folder mode)."""
    if len(images) == 1:
        return {images[0]: load_image(images[0])}
    out = {}
    for p in images:
        try:
            out[p] = load_image(p)
        except PackagerError as e:
            out[p] = str(e)
    return out


def _prepare(detector: str, emotion_recipe: str, emotion_model: str | None, progress: Progress):
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
    try:
        rgb = load_image(path)
        return rgb.shape[1], rgb.shape[0], _worker_pipeline(rgb)
    except PackagerError as e:
        return str(e)
    except Exception as e:  # whatever an image does to the pipeline, the other images go on
        return f"{path}: {type(e).__name__}: {' '.join(str(e).split())}"


class Bar:
    """``[#####.....] 45/120  38.2 images/s`` redrawn in place on a terminal; silent elsewhere."""

    def __init__(self, total: int, progress: Progress, width: int = 30):
        self.total, self.width = total, width
        self.stream = progress.stream
        self.live = not progress.quiet and progress.tty
        self.start = time.perf_counter()

    def update(self, done: int) -> None:
        if not self.live:
            return
        rate = done / max(time.perf_counter() - self.start, 1e-9)
        filled = self.width * done // self.total
        print(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total}  {rate:.1f} images/s",
              end="", file=self.stream, flush=True)

    def close(self) -> None:
        if self.live:
            print("\r\033[K", end="", file=self.stream, flush=True)


def run_many(paths: list[str], prepared, as_json: bool, threads: int, workers: int, progress: Progress,
             print_fn=print) -> int:
    """Every image through the pipeline on ``workers`` processes; results in input order, then
    images per second (stderr, and in the JSON).  An image that fails is reported where it
    stands (``packager: error: …`` on stderr; ``{"image", "error"}`` in the JSON) and the others
    go on, a worker that dies included (``packager.pool``: its images are retried once); the exit
    code is then ``FAILED_IMAGES`` (1), else 0."""
    from packager import pool  # not at module level: cold start of one image

    det = prepared.detector.recipe
    workers = max(1, min(workers, len(paths)))
    results, faces, failed = [], 0, 0
    bar = Bar(len(paths), progress)
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
    if as_json:
        print_fn(json.dumps({"detector": prepared.detector_name, "emotion": prepared.emotion.recipe.name, "images": results,
                             "throughput": summary}, indent=2))
    progress.say(f"{done} images, {faces} faces in {took:.2f} s: {summary['images_per_second']:.1f} images/s "
                 f"({workers} worker{'s' * (workers != 1)})" + (f"; {failed} failed" if failed else ""))
    return FAILED_IMAGES if failed else 0
