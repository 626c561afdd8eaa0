"""The frame sequences both sequence-parity suites (tests/kotlin, tests/swift) feed the generated
FaceTracker: the faces the reference pipeline finds in real footage (tests/footage.py), and one
hand-made sequence for the rule's corners (ties, the keep boundary, a face without emotion)."""

from __future__ import annotations

from pathlib import Path

from footage import shipped

from packager.progress import Progress
from packager.parity import sequences
from packager.reference.emotion import EmotionResult
from packager.reference.pipeline import Face
from packager.video import run_video

LABELS = ("calm", "joy", "fear")
#: The sequences each language's tracker is checked on (``every_sequence``).
NAMES = ("carphone", "carphone-every-3", "bikes", "corners")


def real(pipe) -> dict[str, list]:
    """name → sequence, from the shipped clips through ``pipe`` (the reference)."""
    quiet = Progress(quiet=True)
    return {
        # one man for 4 s: one track, 119 smoothing steps at 29.97 fps (33/34 ms apart)
        "carphone": sequences.frames_of(run_video(str(shipped("carphone_pristine.mp4")), pipe, 1, quiet)),
        # every 3rd frame: the same face with 100 ms steps
        "carphone-every-3": sequences.frames_of(run_video(str(shipped("carphone_pristine.mp4")), pipe, 3, quiet)),
        # 10 s of street: a cyclist crossing, then sparse detections with gaps shorter and longer than 1 s
        "bikes": sequences.frames_of(run_video(str(shipped("bikes.mp4")), pipe, 1, quiet)),
    }


def _face(x0, width=10.0, probs=(0.5, 0.3, 0.2), y0=0.0):
    emo = None if probs is None else EmotionResult(tuple(probs), LABELS, max(range(3), key=lambda i: (probs[i], -i)))
    box = (x0, y0, x0 + width, y0 + width)
    return Face(box, (), 0.9, box, (), box, (), emo)  # the tracker reads the box and the emotion


def corners() -> list:
    """An equal IoU (one face between two tracks), faces taken best IoU first, a track found
    again exactly keep_seconds after its last face (kept) and one 1 ms later (a new track),
    both after a frame that missed it, a face with no emotion, and frames further apart than
    keep_seconds that each see the face (kept)."""
    return [
        (0, [_face(0), _face(4)]),
        (40, [_face(2, probs=(0.1, 0.6, 0.3))]),  # equal IoU with both tracks: the older takes it
        (80, [_face(0, probs=(0.2, 0.2, 0.6)), _face(4, probs=(0.3, 0.3, 0.4))]),  # each back to its track, best IoU first
        (500, []),
        (1080, [_face(1)]),  # 1000 ms after its last face: kept
        (1500, []),
        (2081, [_face(1, probs=None)]),  # 1001 ms: a new track, without emotion
        (2100, [_face(100), _face(1, probs=(0.0, 0.0, 1.0))]),
        (4100, [_face(100, probs=(0.1, 0.1, 0.8)), _face(1, probs=(0.9, 0.05, 0.05))]),  # 2 s on: both kept
        (6100, [_face(1)]),
    ]


def every_sequence(pipe) -> dict[str, list]:
    """``NAMES`` → sequence: the real footage through ``pipe`` and the hand-made corners."""
    return {**real(pipe), "corners": corners()}


def check(name: str, seq: list, scratch: Path, run_tracker) -> None:
    """``run_tracker(job)`` (a language's FaceTracker on a job file, ``packager.parity.sequences``)
    gives the reference's track ids and smoothed emotions on ``seq``, which has faces to track."""
    labels = LABELS if name == "corners" else next(f.emotion.labels for _, faces in seq for f in faces)
    job = sequences.write_job(scratch / "job.json", seq, labels)
    want = sequences.expected(seq)
    assert sequences.compare(want, run_tracker(job)) == []
    assert len({t for w in want for t in w["tracks"]}) >= 1
