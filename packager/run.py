"""``packager run``: the reference pipeline on image files."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from packager import report
from packager.errors import PackagerError
from packager.models import write_atomic
from packager.progress import Progress
from packager.reference import pipeline
from packager.reference.image import load_image

ANNOTATE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def check_annotate_target(out: str | None, n_images: int) -> None:
    if out is None:
        return
    if n_images != 1:
        raise PackagerError("--annotate takes one image; run the images one at a time to annotate each")
    suffix = Path(out).suffix.lower()
    if suffix not in ANNOTATE_FORMATS:
        raise PackagerError(f"--annotate {out}: use a .png or .jpg file name")
    parent = Path(out).parent
    if not parent.is_dir():
        raise PackagerError(f"--annotate {out}: folder {parent} does not exist")


def run_images(
    images: list[str], emotion_recipe: str, emotion_model: str | None, as_json: bool,
    annotate: str | None, threads: int, progress: Progress, print_fn=print,
) -> int:
    """Detect faces and classify their emotions on each image; print text or JSON."""
    check_annotate_target(annotate, len(images))
    pixels = {p: load_image(p) for p in images}  # every image is checked before any work
    prepared = _prepare(emotion_recipe, emotion_model, progress)
    pipe = pipeline.build_pipeline(prepared, threads)
    det = prepared.detector.recipe
    results = []
    for path, rgb in pixels.items():
        faces = pipe(rgb)
        results.append({"image": path, "width": rgb.shape[1], "height": rgb.shape[0],
                        "faces": [report.face_dict(f, det) for f in faces]})
        if not as_json:
            print_fn(report.text(path, faces, det))
        if annotate:
            buf = io.BytesIO()
            report.annotate(rgb, faces).save(buf, format=ANNOTATE_FORMATS[Path(annotate).suffix.lower()])
            write_atomic(Path(annotate), buf.getvalue())
    if as_json:
        print_fn(json.dumps({"detector": det.name, "emotion": prepared.emotion.recipe.name, "images": results}, indent=2))
    return 0


def _prepare(emotion_recipe: str, emotion_model: str | None, progress: Progress):
    if emotion_model is not None:
        emotion_model = os.fspath(emotion_model)
    with progress.stage("preparing models (converted once, then cached)"):
        return pipeline.prepare(emotion_name=emotion_recipe, emotion_path=emotion_model)
