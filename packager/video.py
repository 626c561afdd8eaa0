"""``packager run VIDEO``: the reference pipeline on every ``every``-th frame of a video, faces
followed over time (``reference.tracking``), results as JSON, text, CSV rows and an annotated
video."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from packager import report
from packager.progress import Bar, Progress
from packager.recipes import TRACKING, DetectorRecipe, TrackingRecipe
from packager.reference.tracking import FaceTracker, TrackedFace
from packager.videofiles import VideoDamaged, VideoReader, VideoWriter


def tracked_dict(tf: TrackedFace, detector: DetectorRecipe) -> dict:
    """An image face's JSON plus ``track`` and ``smoothed`` (shaped like ``emotion``)."""
    out = report.face_dict(tf.face, detector)
    out["track"] = tf.track
    if tf.smoothed is not None:
        out["smoothed"] = {"label": tf.smoothed.top_label,
                           "probabilities": dict(zip(tf.smoothed.labels, tf.smoothed.probabilities))}
    return out


def tracked_label(tf: TrackedFace) -> str:
    """What the annotated video shows of a face: its track and smoothed emotion."""
    if tf.smoothed is None:
        return f"#{tf.track} {tf.face.score:.2f}"
    return f"#{tf.track} {tf.smoothed.top_label} {tf.smoothed.top_probability:.0%}"


def frame_text(path: str, index: int, t: float, faces: list[TrackedFace]) -> str:
    lines = [f"{path} frame {index} ({t:.2f} s): {len(faces)} face{'s' if len(faces) != 1 else ''}"]
    for tf in faces:
        x0, y0, x1, y1 = tf.face.box
        line = f"  track {tf.track}: box x={x0:.0f} y={y0:.0f} w={x1 - x0:.0f} h={y1 - y0:.0f}  score {tf.face.score:.3f}"
        if tf.smoothed is not None:
            e = tf.face.emotion
            line += f"  {tf.smoothed.top_label} ({tf.smoothed.top_probability:.1%} smoothed; this frame {e.top_label} {e.top_probability:.1%})"
        lines.append(line)
    return "\n".join(lines)


@dataclass
class VideoResult:
    """One video through the pipeline.

    Attributes:
        entry: its JSON (``{"video", "fps", "frames_total", "width", "height", "every", "frames":
            [...], "throughput": {"seconds", "frames_per_second"}}``, plus ``"error"`` when it broke
            off).
        frames: (index, time, tracked faces) per analysed frame, in order.
        error: the damage message, or None.
        seconds: wall time of decoding, analysing and writing.
    """

    entry: dict
    frames: list = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


def run_video(path: str, pipe, every: int, progress: Progress, annotate: str | None = None,
              print_fn=None, tracking: TrackingRecipe = TRACKING) -> VideoResult:
    """Analyse frames 0, ``every``, 2·``every``, … of ``path``; every frame goes to the annotated
    video (frames between two analysed ones show the faces of the last analysed one).  Damage
    stops the video where it is: the frames read before it are kept, and written, and
    ``error`` says what happened.  ``print_fn`` gets the text of each analysed frame."""
    det = pipe.detector
    tracker = FaceTracker(tracking)
    start = time.perf_counter()
    writer, shown, decoded = None, [], 0
    with VideoReader(path) as video:
        result = VideoResult({"video": path, "fps": video.fps, "frames_total": 0, "width": None, "height": None,
                              "every": every, "frames": []})
        total = video.declared_frames or (round(video.declared_seconds * video.fps) if video.declared_seconds else None)
        bar = Bar(total, progress, unit="frames")
        try:
            for frame in video.frames():
                if frame.index == 0:  # upright size
                    result.entry["height"], result.entry["width"] = frame.rgb.shape[:2]
                if frame.index % every == 0:
                    faces = tracker.update(pipe(frame.rgb), frame.time)
                    shown = faces
                    result.frames.append((frame.index, frame.time, faces))
                    result.entry["frames"].append({"frame": frame.index, "time": frame.time,
                                                   "faces": [tracked_dict(tf, det) for tf in faces]})
                    if print_fn is not None:
                        bar.close()
                        print_fn(frame_text(path, frame.index, frame.time, faces))
                if annotate:
                    if writer is None:
                        h, w = frame.rgb.shape[:2]
                        writer = VideoWriter(annotate, video.rate, w, h)
                    drawn = report.annotate(frame.rgb, [tf.face for tf in shown], [tracked_label(tf) for tf in shown])
                    writer.write(np.asarray(drawn), frame.time)
                decoded = frame.index + 1
                bar.update(decoded)
        except VideoDamaged as e:
            result.error = str(e)
            result.entry["error"] = result.error
        except BaseException:
            bar.close()
            if writer is not None:
                writer.abort()
            raise
        bar.close()
    if writer is not None:
        writer.close()
    result.entry["frames_total"] = decoded
    result.seconds = time.perf_counter() - start
    result.entry["throughput"] = {"seconds": result.seconds, "frames_per_second": decoded / max(result.seconds, 1e-9)}
    return result


def summary(result: VideoResult) -> str:
    """``clip.mp4: 120 frames (5 analysed), 5 faces in 2 tracks, 1.2 s: 97.6 frames/s``."""
    e = result.entry
    faces = sum(len(f) for _, _, f in result.frames)
    tracks = len({tf.track for _, _, fs in result.frames for tf in fs})
    rate = e["frames_total"] / max(result.seconds, 1e-9)
    return (f"{e['video']}: {e['frames_total']} frames ({len(result.frames)} analysed), {faces} face"
            f"{'s' * (faces != 1)} in {tracks} track{'s' * (tracks != 1)}, {result.seconds:.2f} s: {rate:.1f} frames/s")
