"""Real model inputs for proofs, calibration and held-out checks, from packaged photos only.

The LFW subset (scikit-image) has 100 face crops of 25×25 pixels; each is upscaled to 128×128
(``samples.upscale``), the size BlazeFace expects a selfie-distance face at, and used with its
mirror image.  Faces 0–49 (and their mirrors) plus the astronaut photo calibrate int8 models;
faces 50–99 (and mirrors) plus non-face patches 50–99 are held out to measure int8 agreement.
Emotion inputs are face crops: the reference pipeline (fp32 detector) finds the face on each
image and ``emotion.preprocess`` cuts and converts it, exactly as on a phone.  The same faces
upscaled to 96 and 192 pixels (``EXTRA_SIZES``) join both calibration sets and the emotion
held-out set: about 300 held-out crops instead of 100, so that one low-margin face moves the
agreement by 0.3 points, not 1 (a tenth of the held-out crops have their top two fp32
probabilities within 3 points); the detector calibrated on three face sizes agrees more often.

A detector made for distant faces (``SCENE``: the full-range model) does not see a face that
fills the image; for it each face photo is shown as a scene: the upscaled face pasted in the
middle of the coffee photo, ``SCENE`` times its size (a face at a quarter of the frame width,
where it finds 41 of the 50 held-out faces).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from packager import samples
from packager.reference import detect, emotion
from packager.reference.pipeline import ReferencePipeline, to_pixels

#: LFW indices used for calibration; the rest are held out.
CALIBRATION = range(0, 50)
HELD_OUT = range(50, 100)
LFW_SIZE = 128
#: Further face sizes (pixels) whose inputs join the calibration sets and the emotion held-out set.
EXTRA_SIZES = (96, 192)
#: Detector recipe → how many times wider than the face photo its scene is (module docstring).
SCENE = {"blazeface-full-range": 4}


@dataclass(frozen=True)
class RealInputs:
    """Input tensors, each one model input (batch 1).

    Attributes:
        detector_calibration / detector_held_out: letterboxed detector inputs.
        emotion_calibration / emotion_held_out: face crops found by the fp32 detector on the
            same images (images without a found face contribute no crop).
        held_out_faces: how many of ``detector_held_out`` (the first ones) show a face; the
            rest are non-face patches.
    """

    detector_calibration: list[np.ndarray]
    detector_held_out: list[np.ndarray]
    emotion_calibration: list[np.ndarray]
    emotion_held_out: list[np.ndarray]
    held_out_faces: int


def _with_mirrors(images: list[np.ndarray]) -> list[np.ndarray]:
    out = []
    for im in images:
        out.extend([im, np.ascontiguousarray(im[:, ::-1])])
    return out


def _images(indices, faces: bool, size: int = LFW_SIZE, scene: int = 1) -> list[np.ndarray]:
    lfw = samples.lfw(faces)
    return [_scene(im, scene) for im in _with_mirrors([samples.upscale(lfw[i], size) for i in indices])]


def _scene(photo: np.ndarray, times: int) -> np.ndarray:
    """``photo`` in the middle of the coffee photo ``times`` its size (itself when 1)."""
    if times == 1:
        return photo
    from PIL import Image

    side = photo.shape[0] * times
    frame = np.array(Image.fromarray(samples.no_face()).resize((side, side), Image.Resampling.BILINEAR))
    o = (side - photo.shape[0]) // 2
    frame[o:o + photo.shape[0], o:o + photo.shape[1]] = photo
    return frame


def _crop(ref: ReferencePipeline, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(detector input, emotion input of the best face or None)."""
    x, box = detect.preprocess(ref.detector, rgb)
    dets = detect.postprocess(ref.detector, *ref.run_detector(x))
    if not dets:
        return x, None
    px, _ = to_pixels(dets[0], box)
    return x, emotion.preprocess(ref.emotion, rgb, px)


def real_inputs(ref: ReferencePipeline) -> RealInputs:
    """Calibration and held-out inputs for both models of ``ref``'s pipeline."""
    scene = SCENE.get(ref.detector.name, 1)
    calib = [samples.astronaut()] + _images(CALIBRATION, True, scene=scene)
    faces = _images(HELD_OUT, True, scene=scene)
    held = faces + _images(HELD_OUT, False, scene=scene)
    det_c, emo_c = zip(*(_crop(ref, im) for im in calib))
    det_h, emo_h = zip(*(_crop(ref, im) for im in faces))
    det_n = [detect.preprocess(ref.detector, im)[0] for im in held[len(faces):]]
    for size in EXTRA_SIZES:
        det_x, emo_x = zip(*(_crop(ref, im) for im in _images(CALIBRATION, True, size, scene)))
        det_c += det_x
        emo_c += emo_x
        emo_h += tuple(_crop(ref, im)[1] for im in _images(HELD_OUT, True, size, scene))
    return RealInputs(
        list(det_c), list(det_h) + det_n,
        [e for e in emo_c if e is not None], [e for e in emo_h if e is not None], len(faces),
    )
