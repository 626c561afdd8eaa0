"""``packager run``: faces, keypoints and emotions of images and videos, printed as text or JSON,
drawn (``--annotate``) and tabled (``--csv``).  What it runs on is ``packager.runner``
(arguments, throughput mode) and ``packager.video`` (one video, faces tracked)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from packager import outputs, preparation, report, runner
from packager.errors import PackagerError
from packager.options import RunOptions
from packager.progress import Progress
from packager.video import run_video
from packager.video import summary as video_summary
from packager.videofiles import VideoReader, is_video

#: Exit code when some images failed or a video broke off (each reported; the others' results are
#: complete).  2 stays "nothing was done" (bad arguments, a bad model).
FAILED_IMAGES = 1


def check(opts: RunOptions) -> None:
    """The numbers a user gives, before anything is read."""
    if opts.every < 1:
        raise PackagerError(f"--every {opts.every}: give a whole number of frames, 1 or more")
    if opts.workers is not None and opts.workers < 1:
        raise PackagerError(f"--workers {opts.workers}: give 1 or more worker processes")
    if opts.threads < 0:
        raise PackagerError(f"--threads {opts.threads}: give 1 or more, or 0 for onnxruntime's default")


def main(opts: RunOptions, progress: Progress, print_fn=print) -> int:
    """Detect faces and classify their emotions on each image and video; print text or JSON.

    A folder or glob pattern among ``opts.images`` (or ``workers`` > 1) selects throughput mode
    for the images: they are decoded and processed on ``workers`` processes (default: one per
    core).  Videos (by suffix, ``videofiles.VIDEO_SUFFIXES``) are analysed one after the other,
    every ``every``-th frame, faces tracked (``video.run_video``).  Exit code ``FAILED_IMAGES``
    when an image failed (in throughput mode, or one of several named files) or a video broke off
    (each reported; everything else complete), else 0."""
    check(opts)
    inputs, many = runner.expand(list(opts.images))
    videos = [p for p in inputs if is_video(p)]
    stills = [p for p in inputs if not is_video(p)]
    runner.check_annotate_target(opts.annotate, inputs)
    runner.check_output("--csv", opts.csv, {".csv"}, inputs)
    for v in videos:  # every video is checked before any work
        VideoReader(v).close()
    throughput = (many or (opts.workers or 1) > 1) and not opts.annotate
    # every image is checked before any work; of several named files, one that cannot be read is
    # reported where it stands and the others go on (as in folder mode)
    pixels = {} if throughput else runner.load_each(stills, alone=len(inputs) == 1)
    prepared = runner.prepare(opts.detector, opts.emotion_recipe, opts.emotion_model, progress)
    labels = prepared.emotion.recipe.labels
    doc = {"detector": prepared.detector_name, "emotion": prepared.emotion.recipe.name}
    rows, failed = [], 0
    if stills and throughput:
        results, summary, found = runner.run_many(stills, prepared, opts.json, opts.threads,
                                                  opts.workers or os.cpu_count() or 1, progress, print_fn)
        doc["images"], doc["throughput"], failed = results, summary, summary["failed"]
        rows += [report.csv_row(p, None, None, f, labels=labels) for p, faces in found for f in faces or [None]]
    pipe = preparation.build_pipeline(prepared, opts.threads) if pixels or videos else None
    if pixels or not videos:
        doc["images"] = doc.get("images", [])
    failed += _run_images(pixels, pipe, prepared, opts, progress, print_fn, doc.get("images", []), rows)
    if videos:
        doc["videos"], broken = _run_videos(videos, pipe, opts, progress, None if opts.json else print_fn, rows,
                                            labels)
        failed += broken
    if opts.csv:
        _write_csv(Path(opts.csv), labels, rows)
    if opts.json:
        print_fn(json.dumps(doc, indent=2))
    return FAILED_IMAGES if failed else 0


def _run_images(pixels: dict, pipe, prepared, opts: RunOptions, progress: Progress, print_fn, entries: list,
                rows: list) -> int:
    """Each loaded image through ``pipe``: its JSON entry appended to ``entries``, its text
    printed, its ``--csv`` rows appended to ``rows``, drawn when ``--annotate``.  Returns how many
    could not be read (each said on stderr where it stands)."""
    det, labels, failed = prepared.detector.recipe, prepared.emotion.recipe.labels, 0
    for path, rgb in pixels.items():
        if isinstance(rgb, str):  # one of several named files: reported where it stands, as in folder mode
            entries.append({"image": path, "error": rgb})
            failed += 1
            print(f"packager: error: {rgb}", file=progress.stream, flush=True)
            continue
        faces = pipe(rgb)
        entries.append({"image": path, "width": rgb.shape[1], "height": rgb.shape[0],
                        "faces": [report.face_dict(f, det) for f in faces]})
        rows += [report.csv_row(path, None, None, f, labels=labels) for f in faces or [None]]
        if not opts.json:
            print_fn(report.text(path, faces, det))
        if opts.annotate:
            buf = io.BytesIO()
            report.annotate(rgb, faces).save(buf, format=runner.ANNOTATE_FORMATS[Path(opts.annotate).suffix.lower()])
            outputs.write_file(Path(opts.annotate), buf.getvalue(), "--annotate")
    return failed


def _run_videos(videos: list[str], pipe, opts: RunOptions, progress: Progress, print_fn, rows: list,
                labels: tuple[str, ...]) -> tuple[list[dict], int]:
    """Each video through ``video.run_video``, one after the other: their JSON entries, and how
    many broke off (each said on stderr where it stands).  Appends their ``--csv`` rows to
    ``rows``."""
    entries, broken = [], 0
    for path in videos:
        got = run_video(path, pipe, opts.every, progress, opts.annotate, print_fn)
        entries.append(got.entry)
        for index, t, faces in got.frames:
            rows += [report.csv_row(path, index, t, tf.face, tf.track, tf.smoothed, labels) for tf in faces]
            rows += [] if faces else [report.csv_row(path, index, t, None, labels=labels)]
        if got.error:
            broken += 1
            print(f"packager: error: {got.error}", file=progress.stream, flush=True)
        progress.say(video_summary(got))
    return entries, broken


def _write_csv(path: Path, labels: tuple[str, ...], rows: list) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(report.csv_header(labels))
    writer.writerows(rows)
    outputs.write_file(path, buf.getvalue().encode(), "--csv")
