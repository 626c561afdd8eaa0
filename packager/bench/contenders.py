"""What is timed warm: the floor, the reference pipeline and its stages, and the peers.

Each contender is a no-argument callable that processes every bench image once and returns the
number of faces it found, so that the table can show that the contenders did the same job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from packager.bench import peers as peer_mod
from packager.reference import detect, emotion
from packager.reference.pipeline import ReferencePipeline, to_pixels


@dataclass
class Contender:
    """Attributes:
        key, name: row identifier and label.
        fn: processes all bench images once; returns faces found.
        note: what the row includes.
    """

    key: str
    name: str
    fn: Callable[[], int]
    note: str = ""


@dataclass(frozen=True)
class Prepared:
    """One image's intermediates, computed once so the floor runs on exactly the reference's
    tensors."""

    rgb: np.ndarray
    detector_input: np.ndarray
    regressors: np.ndarray
    classificators: np.ndarray
    face_boxes: list
    emotion_inputs: list
    emotion_outputs: list


def prepare_images(pipe: ReferencePipeline, images: list[np.ndarray]) -> list[Prepared]:
    out = []
    for rgb in images:
        t = pipe.trace(rgb)
        out.append(Prepared(rgb, t.detector_input, t.regressors, t.classificators, [f.box for f in t.faces],
                            t.emotion_inputs, t.emotion_outputs))
    return out


def floor(pipe: ReferencePipeline, prepared: list[Prepared]) -> Callable[[], int]:
    """The bare ``session.run`` calls: detector on the letterboxed tensor, emotion on each crop."""
    def run() -> int:
        for p in prepared:
            pipe.run_detector(p.detector_input)
            for x in p.emotion_inputs:
                pipe.run_emotion(x)
        return sum(len(p.face_boxes) for p in prepared)
    return run


def end_to_end(pipe: ReferencePipeline, prepared: list[Prepared]) -> Callable[[], int]:
    def run() -> int:
        return sum(len(pipe(p.rgb)) for p in prepared)
    return run


def stages(pipe: ReferencePipeline, prepared: list[Prepared]) -> list[Contender]:
    """The reference's own work around the two model runs, stage by stage."""
    det, emo = pipe.detector, pipe.emotion

    def det_pre() -> int:
        for p in prepared:
            detect.preprocess(det, p.rgb)
        return 0

    def det_post() -> int:
        n = 0
        for p in prepared:
            box = detect.Letterbox.fit(p.rgb.shape[1], p.rgb.shape[0], det.input_size)
            dets = detect.postprocess(det, p.regressors, p.classificators)
            n += len([to_pixels(d, box) for d in dets])
        return n

    def emo_pre() -> int:
        for p in prepared:
            for box in p.face_boxes:
                emotion.preprocess(emo, p.rgb, box)
        return 0

    def emo_post() -> int:
        for p in prepared:
            for out in p.emotion_outputs:
                emotion.postprocess(emo, out)
        return 0

    return [
        Contender("stage-detect-pre", "  detector preprocess (letterbox resample)", det_pre),
        Contender("stage-detect-post", "  detector postprocess (decode, NMS, to pixels)", det_post),
        Contender("stage-emotion-pre", "  emotion preprocess (crop resample, gray)", emo_pre),
        Contender("stage-emotion-post", "  emotion postprocess", emo_post),
    ]


def pillow_resize(prepared: list[Prepared], size: int) -> Contender:
    """For scale, not a contender: Pillow's antialiased uint8 resize of each frame to the size
    the letterbox fills — the C routine a plain numpy + Pillow pipeline would call."""
    from PIL import Image

    frames = [Image.fromarray(p.rgb) for p in prepared]
    fits = [(max(1, round(f.width * size / max(f.size))), max(1, round(f.height * size / max(f.size)))) for f in frames]

    def run() -> int:
        for f, fit in zip(frames, fits):
            f.resize(fit, Image.Resampling.BILINEAR)
        return 0
    return Contender("pillow-resize", "  for scale: Pillow's uint8 antialiased resize of the frame", run,
                     "C code, 8-bit fixed point, reads every pixel; not the specification")


def peer(key: str, p: peer_mod.Peer, loaded: peer_mod.Loaded, images: list[np.ndarray]) -> Contender:
    inputs = [loaded.prepare(rgb) for rgb in images]

    def run() -> int:
        return sum(loaded.run(x) for x in inputs)
    return Contender(key, p.name, run, "; ".join(p.notes))
