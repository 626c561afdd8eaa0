"""Write parity cases: a real image through the reference pipeline, every stage saved."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from packager.reference import frames
from packager.reference.pipeline import Face, ReferencePipeline


def _f32(path: Path, a) -> None:
    np.asarray(a, dtype="<f4").tofile(path)


def write_frame(case: Path, frame: frames.Frame) -> dict:
    """A camera frame's planes as ``plane<i>.bin`` (bytes; ``argb``: little-endian int32) and its
    description for case.json."""
    planes = []
    for i, p in enumerate(frame.planes):
        name = f"plane{i}.bin"
        np.ascontiguousarray(p.data, dtype="<i4" if frame.format == "argb" else np.uint8).tofile(case / name)
        planes.append({"file": name, "row_stride": p.row_stride, "pixel_stride": p.pixel_stride})
    return {"format": frame.format, "width": frame.width, "height": frame.height, "rotation": frame.rotation,
            "mirrored": frame.mirrored, "full_range": frame.full_range, "planes": planes}


def write_case(root: Path, name: str, pipe: ReferencePipeline, rgb: np.ndarray | frames.Frame) -> Path:
    """Run ``pipe`` on ``rgb`` and write case folder ``root/name``; returns it.  A camera frame
    is run as its upright image (``frames.Frame.rgb``; a mirrored one's keypoints named for the
    subject), and the harnesses read its planes."""
    frame = rgb if isinstance(rgb, frames.Frame) else None
    rgb = np.ascontiguousarray(frame.rgb() if frame is not None else rgb, dtype=np.uint8)
    t = pipe.trace(frame if frame is not None else rgb)
    case = Path(root) / name
    (case / "expected").mkdir(parents=True, exist_ok=True)
    boxes = [list(f.box) for f in t.faces]
    meta = {
        "name": name,
        "detector_recipe": pipe.detector.name,
        "emotion_recipe": pipe.emotion.name,
        # the interpolation of each stage (the harnesses use these, not the recipe's defaults)
        "resize": {"detector": pipe.detector.resize, "emotion": pipe.emotion.resize},
        "width": int(rgb.shape[1]),
        "height": int(rgb.shape[0]),
        "num_faces": len(t.faces),
        "crop_boxes": boxes,
    }
    if frame is not None:
        meta["frame"] = write_frame(case, frame)
    (case / "case.json").write_text(json.dumps(meta, indent=1))
    rgb.tofile(case / "pixels.rgb")
    _f32(case / "regressors.f32", t.regressors)
    _f32(case / "classificators.f32", t.classificators)
    for i, out in enumerate(t.emotion_outputs):
        _f32(case / f"emotion_output_{i}.f32", out)
    exp = case / "expected"
    _f32(exp / "detector_input.f32", t.detector_input)
    for i, x in enumerate(t.emotion_inputs):
        _f32(exp / f"emotion_input_{i}.f32", x)
    names = pipe.detector.keypoint_names
    faces = [face_json(f, names) for f in t.faces]
    (exp / "faces.json").write_text(json.dumps({"faces": faces}))
    emotions = [{"probabilities": list(f.emotion.probabilities), "top_label": f.emotion.top_label} for f in t.faces]
    (exp / "emotion.json").write_text(json.dumps({"faces": emotions}))
    return case


def face_json(face: Face, names: tuple[str, ...]) -> dict:
    """One face of faces.json (``packager.parity``): boxes as [xmin, ymin, xmax, ymax] and
    keypoints by name, {name: [x, y]} — normalized to the letterbox, in pixels and normalized to
    the image."""
    def named(points):
        return {n: [float(x), float(y)] for n, (x, y) in zip(names, points, strict=True)}

    return {"box": list(face.letterbox_box), "keypoints": named(face.letterbox_keypoints), "score": face.score,
            "box_px": list(face.box), "keypoints_px": named(face.keypoints),
            "normalized_box": list(face.normalized_box), "normalized_keypoints": named(face.normalized_keypoints)}


def write_cases(root: Path, pipe: ReferencePipeline, images: dict[str, np.ndarray | frames.Frame], suffix: str = "") -> list[Path]:
    """One case per image, named ``<image><suffix>``."""
    return [write_case(root, name + suffix, pipe, rgb) for name, rgb in images.items()]


def write_resample_jobs(folder: Path, image: np.ndarray, jobs: list[dict], numbers_as_text: bool) -> Path:
    """The resampler-alone protocol of both harnesses: ``folder/pixels.rgb`` and
    ``folder/jobs.json`` (rect, out, method, fill per job; the numbers as JSON numbers, or as
    their shortest exact text, NaN and ±inf included, for a harness whose JSON reader takes only
    standard numbers).  Returns the jobs file."""
    image = np.ascontiguousarray(image, dtype=np.uint8)
    image.tofile(Path(folder) / "pixels.rgb")
    num = (lambda v: repr(float(v))) if numbers_as_text else float
    spec = {"width": image.shape[1], "height": image.shape[0], "pixels": "pixels.rgb",
            "jobs": [{"rect": [num(v) for v in j["rect"]], "out": [int(v) for v in j["out"]],
                      "method": j["method"], "fill": num(j["fill"])} for j in jobs]}
    path = Path(folder) / "jobs.json"
    path.write_text(json.dumps(spec))
    return path


def read_resampled(out: Path, jobs: list[dict]) -> list:
    """A harness's answers to ``write_resample_jobs``: per job an [h, w, 3] float64 array, or
    None where it refused (``out/status.json``, values in ``out/values.f64``)."""
    status = json.loads((Path(out) / "status.json").read_text())["status"]
    values = np.fromfile(Path(out) / "values.f64", "<f8")
    result, at = [], 0
    for job, s in zip(jobs, status):
        if s != "ok":
            result.append(None)
            continue
        w, h = job["out"]
        result.append(values[at:at + w * h * 3].reshape(h, w, 3))
        at += w * h * 3
    return result
