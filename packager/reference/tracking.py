"""Faces over time: a track id per face and a steady emotion per track (the specification of
video mode; constants in ``recipes.TrackingRecipe``).

A video is a sequence of *analysed frames*, each with its time ``t`` in seconds (strictly
increasing) and the faces the pipeline found in it.  ``FaceTracker.update(faces, t)`` takes one
analysed frame and returns, for each face in the order given, its track id and its smoothed
emotion.

**Tracking** (``match``).  Every live track keeps the box of the face it last found, and the
time of that frame.
1. Candidate pairs are every (track, face) whose boxes have ``iou(track box, face box) ≥
   iou_threshold``.
2. Pairs are taken greedily, highest IoU first; equal IoUs in the order of the older track
   (smaller id) first, then the face that comes first in the frame's face list.  A pair is
   taken when neither its track nor its face is taken yet.
3. A face left without a track starts a new one; ids count up from 1 for each video
   (``FaceTracker`` is made once per video), in face-list order.
0. (Before 1.) A track that found no face in the previous analysed frame and whose last face is
   more than ``keep_seconds`` before ``t`` is forgotten for good (its id is never used again): a
   face continues a track across missed frames only when the gap between the two sightings is at
   most ``keep_seconds``; a track seen in the previous analysed frame always may continue, so
   analysed frames further apart than ``keep_seconds`` (``--every 60`` at 30 fps) still follow a
   face that stays in view.

**Smoothing** (``smooth``).  Per track, exponential smoothing of the probability vector in
continuous time, so that its strength is set in seconds and does not depend on the frame rate or
on ``--every``: the first face of a track is its own smoothed value; after that

    alpha = 1 − exp(−dt / smoothing_seconds),    s ← s + alpha · (p − s)

with ``dt`` the seconds since the track's previous face (a gap of missed frames is simply a
larger ``dt``).  A face's probabilities so stand for the whole interval since the previous one:
after a clean step between two labels (p = (a, b) up to a frame, (b, a) from the next on) the
smoothed label follows once ``exp(−T/τ) < ½``, T counted from the last frame before the step: a
delay of ``τ · ln 2``.  Summing to 1 is kept (each step is a convex combination).  The smoothed label is
the largest smoothed probability, the first one on ties, like the raw label.

Everything is computed in float64 in the order written here; the Kotlin and Swift video modes
reproduce it (same ids, probabilities within the parity tolerance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from packager.recipes import TRACKING, TrackingRecipe
from packager.reference.detect import iou  # the same IoU as the detector's non-maximum suppression
from packager.reference.emotion import EmotionResult

Box = tuple[float, float, float, float]


def match(track_boxes: list[Box], face_boxes: list[Box], threshold: float) -> list[tuple[int, int]]:
    """Greedy IoU matching: (track index, face index) pairs, highest IoU first.

    ``track_boxes`` are in track-id order (oldest first); pairs below ``threshold`` are never
    made; ties go to the smaller track index, then the smaller face index."""
    pairs = [(iou(tb, fb), ti, fi) for ti, tb in enumerate(track_boxes) for fi, fb in enumerate(face_boxes)]
    pairs = [p for p in pairs if p[0] >= threshold]
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    taken_tracks, taken_faces, out = set(), set(), []
    for _, ti, fi in pairs:
        if ti not in taken_tracks and fi not in taken_faces:
            taken_tracks.add(ti)
            taken_faces.add(fi)
            out.append((ti, fi))
    return out


def smoothing_alpha(dt: float, tau: float) -> float:
    """Weight of the new value after ``dt`` seconds with time constant ``tau`` seconds:
    ``1 − exp(−dt / tau)`` (0 for ``dt`` = 0, → 1 for ``dt`` ≫ ``tau``)."""
    return -math.expm1(-dt / tau)


def smooth(previous: tuple[float, ...], probabilities: tuple[float, ...], dt: float, tau: float) -> tuple[float, ...]:
    """One smoothing step: ``s + alpha · (p − s)`` per class."""
    a = smoothing_alpha(dt, tau)
    return tuple(s + a * (p - s) for s, p in zip(previous, probabilities))


def top_index(values: tuple[float, ...]) -> int:
    """Index of the largest value, the first one on ties (numpy's argmax rule)."""
    best = 0
    for i, v in enumerate(values):
        if v > values[best]:
            best = i
    return best


@dataclass(frozen=True)
class TrackedFace:
    """One face of an analysed frame, followed over time.

    Attributes:
        face: the pipeline's face (``reference.pipeline.Face``) as found in this frame.
        track: its track id (1, 2, … per video).
        smoothed: the track's smoothed emotion after this frame (None when the face has no
            emotion).
    """

    face: object
    track: int
    smoothed: EmotionResult | None


@dataclass
class _Track:
    id: int
    box: Box
    seen: float  # time it last found a face, seconds
    smoothed: tuple[float, ...] | None


class FaceTracker:
    """Track ids and smoothed emotions for the analysed frames of one video, in time order."""

    def __init__(self, settings: TrackingRecipe = TRACKING):
        self.settings = settings
        self.tracks: list[_Track] = []  # live tracks, oldest (smallest id) first
        self.next_id = 1
        self.time: float | None = None

    def update(self, faces: list, time: float) -> list[TrackedFace]:
        """The faces of the analysed frame at ``time`` seconds (after the previous frame's) →
        one ``TrackedFace`` per face, in the same order."""
        if self.time is not None and not time > self.time:
            raise ValueError(f"frame time {time} s is not after the previous frame's {self.time} s")
        previous, self.time = self.time, time
        s = self.settings
        self.tracks = [t for t in self.tracks if t.seen == previous or time - t.seen <= s.keep_seconds]
        pairs = match([t.box for t in self.tracks], [f.box for f in faces], s.iou_threshold)
        track_of = {fi: self.tracks[ti] for ti, fi in pairs}
        out = []
        for fi, face in enumerate(faces):
            track = track_of.get(fi)
            if track is None:
                track = _Track(self.next_id, face.box, time, None)
                self.next_id += 1
                self.tracks.append(track)
            out.append(TrackedFace(face, track.id, self._smooth(track, face, time)))
            track.box, track.seen = face.box, time
        return out

    def _smooth(self, track: _Track, face, time: float) -> EmotionResult | None:
        """The track's smoothed emotion with this face's probabilities taken in."""
        if face.emotion is None:
            return None
        p = face.emotion.probabilities
        if track.smoothed is None:
            track.smoothed = tuple(p)
        else:
            track.smoothed = smooth(track.smoothed, p, time - track.seen, self.settings.smoothing_seconds)
        return EmotionResult(track.smoothed, face.emotion.labels, top_index(track.smoothed))
