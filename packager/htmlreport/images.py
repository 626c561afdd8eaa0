"""What the models saw, as pictures: model input tensors turned back into pixels, and the
sample photos with the reference's faces drawn on them (``packager run --annotate``'s drawing)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from packager import report, samples
from packager.reference import pipeline

#: The photos the report traces through the reference: the bundle's sample (its input.npy files
#: are the astronaut's) and two faces side by side, so that more than one crop shows.
PHOTOS = {"astronaut": samples.astronaut, "two_faces": samples.two_faces}


def _hwc(x: np.ndarray, layout: str) -> np.ndarray:
    """[1, H, W, C] or [1, C, H, W] → [H, W, C]."""
    x = np.asarray(x)[0]
    return x if layout == "NHWC" else np.transpose(x, (1, 2, 0))


def tensor_pixels(x: np.ndarray, entry: dict) -> np.ndarray:
    """A model input tensor back to 0..255 pixels (uint8 [H, W] or [H, W, 3] RGB), inverting the
    manifest entry's ``preprocessing``: ``x * norm_scale + norm_offset`` (detector) or
    ``(x - mean) * scale`` (emotion), per channel in the recipe's colour order."""
    pre = entry["preprocessing"]
    hwc = _hwc(x, pre["layout"]).astype(np.float64)
    if "norm_scale" in pre:
        px = (hwc - pre["norm_offset"]) / pre["norm_scale"]
    else:
        px = hwc / np.asarray(pre["scale"]) + np.asarray(pre["mean"])
    px = np.clip(np.rint(px), 0, 255).astype(np.uint8)
    if pre["color"] == "BGR":
        px = px[..., ::-1]
    return px[..., 0] if px.shape[-1] == 1 else px


def tensor_image(x: np.ndarray, entry: dict):
    from PIL import Image

    return Image.fromarray(np.ascontiguousarray(tensor_pixels(x, entry)))


@dataclass(frozen=True)
class Photo:
    """One photo through the reference pipeline.

    Attributes:
        name: key in ``PHOTOS``.
        rgb: the photo (uint8 [H, W, 3]).
        trace: ``pipeline.Trace`` of the reference on it (the shipped models' source ONNX).
    """

    name: str
    rgb: np.ndarray
    trace: pipeline.Trace

    def annotated(self):
        return report.annotate(self.rgb, self.trace.faces)


def trace_photos(artifacts: dict) -> list[Photo]:
    """Run the reference pipeline (the source models of ``artifacts``, by role) on ``PHOTOS``."""
    det, emo = artifacts["face_detection"].converted, artifacts["face_emotion_recognition"].converted
    ref = pipeline.ReferencePipeline(det.recipe, det.onnx_path, emo.recipe, emo.onnx_path, threads=1)
    return [Photo(name, make(), ref.trace(make())) for name, make in PHOTOS.items()]
