"""Sequence parity: the Kotlin and Swift ``FaceTracker`` on the faces the reference found in the
frames of a video, held to ``packager/reference/tracking.py``: the same track ids, smoothed
probabilities within the emotion tolerance, the same smoothed label.

A sequence is a list of frames ``(time_ms, faces)``, each face a reference ``Face`` (its box and
emotion are what the tracker reads).  Times are whole milliseconds, as a camera or decoder hands
them to an app; every language takes a frame's time as ``time_ms / 1000`` seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

from packager.parity.compare import PROB_TOL
from packager.recipes import TRACKING, TrackingRecipe
from packager.reference.tracking import FaceTracker


def frames_of(result) -> list[tuple[int, list]]:
    """``video.run_video``'s result → a sequence: (time in whole ms, the frame's faces)."""
    return [(round(t * 1000), [tf.face for tf in faces]) for _, t, faces in result.frames]


def write_job(path: Path, sequence: list[tuple[int, list]], labels: tuple[str, ...],
              config: TrackingRecipe = TRACKING) -> Path:
    """The harnesses' job file; every number as its ``repr`` (both languages parse it to the same
    double)."""
    def face(f):
        e = f.emotion
        return {"box": [repr(float(v)) for v in f.box],
                "probabilities": None if e is None else [repr(float(p)) for p in e.probabilities]}

    doc = {"config": {"iou_threshold": repr(config.iou_threshold), "keep_seconds": repr(config.keep_seconds),
                      "smoothing_seconds": repr(config.smoothing_seconds)},
           "labels": list(labels),
           "frames": [{"time_ms": str(ms), "faces": [face(f) for f in faces]} for ms, faces in sequence]}
    path.write_text(json.dumps(doc))
    return path


def expected(sequence: list[tuple[int, list]], config: TrackingRecipe = TRACKING) -> list[dict]:
    """The reference on the sequence, in the harnesses' output shape."""
    tracker = FaceTracker(config)
    out = []
    for ms, faces in sequence:
        tracked = tracker.update(faces, ms / 1000)
        out.append({"tracks": [t.track for t in tracked],
                    "smoothed": [None if t.smoothed is None else list(t.smoothed.probabilities) for t in tracked],
                    "top": [None if t.smoothed is None else t.smoothed.top_index for t in tracked]})
    return out


def compare(want: list[dict], got: list[dict], tolerance: float = PROB_TOL) -> list[str]:
    """Every difference, one line each (empty when the harness reproduced the reference)."""
    if len(want) != len(got):
        return [f"{len(got)} frames, want {len(want)}"]
    problems = []
    for k, (w, g) in enumerate(zip(want, got)):
        if w["tracks"] != g["tracks"]:
            problems.append(f"frame {k}: tracks {g['tracks']}, want {w['tracks']}")
            continue
        if w["top"] != g["top"]:
            problems.append(f"frame {k}: smoothed labels {g['top']}, want {w['top']}")
        for i, (ws, gs) in enumerate(zip(w["smoothed"], g["smoothed"])):
            if (ws is None) != (gs is None):
                problems.append(f"frame {k} face {i}: smoothed {gs}, want {ws}")
            elif ws is not None and max(abs(a - b) for a, b in zip(ws, gs)) > tolerance:
                problems.append(f"frame {k} face {i}: smoothed differs by "
                                f"{max(abs(a - b) for a, b in zip(ws, gs)):.3g} > {tolerance}")
    return problems
