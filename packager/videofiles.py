"""Video files → upright RGB frames with their times, and frames → an H.264 file a browser plays
(PyAV: FFmpeg's libraries in a PyPI wheel; no system ffmpeg, nothing downloaded).

Every failure is one clear message: a file that cannot be opened as a video at all is a
``PackagerError`` before any work; damage found while decoding (a truncated or corrupt file) is a
``VideoDamaged`` raised after every frame read before it has been yielded.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import numpy as np

from packager.errors import PackagerError

#: Files taken as videos (by suffix, case-insensitive): the containers the issue names.
VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi"}
#: A decoded video whose last frame ends more than this many seconds before the duration its
#: container declares is reported as truncated.  Half a second: an audio track may outlast the
#: video by a few hundred milliseconds in a whole file.
TRUNCATION_SLACK_SECONDS = 0.5


class VideoDamaged(PackagerError):
    """The video broke off while decoding; the frames before the damage were yielded."""


def is_video(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


@dataclass(frozen=True)
class Frame:
    """One decoded frame.

    Attributes:
        index: 0, 1, 2, … in decoding (= presentation) order.
        time: seconds since the first frame (presentation timestamps; strictly increasing).
        rgb: H×W×3 uint8, upright (the container's rotation applied).
    """

    index: int
    time: float
    rgb: np.ndarray


def _av():
    import av  # not at module level: image-only runs do not pay for loading FFmpeg

    return av


def upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Apply a display rotation: ``rotation`` degrees counter-clockwise (FFmpeg's display matrix
    angle, as ``av.VideoFrame.rotation`` reads it), rounded to a quarter turn."""
    k = round(rotation / 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k)) if k else rgb


class VideoReader:
    """An opened video file: its first video stream, checked to decode."""

    def __init__(self, path: str | os.PathLike):
        self.path = path = os.fspath(path)
        if not os.path.isfile(path):
            raise PackagerError(f"video not found: {path}")
        if os.path.getsize(path) == 0:
            raise PackagerError(f"video file is empty: {path}")
        av = _av()
        try:
            self.container = av.open(path)
        except PermissionError as e:
            raise PackagerError(f"cannot read video {path}: {e.strerror}") from None
        except (av.error.FFmpegError, OSError, ValueError) as e:
            raise PackagerError(f"not a video FFmpeg can read: {path} ({_reason(e)})") from None
        if not self.container.streams.video:
            self.container.close()
            raise PackagerError(f"no video stream in {path}")
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        rate = self.stream.average_rate or self.stream.guessed_rate
        if not rate or rate <= 0:
            self.container.close()
            raise PackagerError(f"video {path} declares no frame rate")
        self.rate: Fraction = Fraction(rate)
        self.declared_frames = self.stream.frames or None
        duration = self.stream.duration and self.stream.duration * self.stream.time_base
        if not duration and self.container.duration:
            duration = Fraction(self.container.duration, 1_000_000)
        self.declared_seconds = float(duration) if duration else None

    @property
    def fps(self) -> float:
        return float(self.rate)

    def close(self) -> None:
        self.container.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def frames(self) -> Iterator[Frame]:
        """Every frame, upright, in order.  Damage (a decoding error, or fewer frames or seconds
        than the container declares) raises ``VideoDamaged`` after the frames before it."""
        av = _av()
        index, first, last = 0, None, None
        step = 1.0 / self.fps
        try:
            for vf in self.container.decode(self.stream):
                t = vf.time
                if first is None:
                    first = t if t is not None else 0.0
                t = (t - first) if t is not None else index * step
                if last is not None and not t > last:  # a broken timestamp: keep time moving
                    t = last + step
                rgb = upright(vf.to_ndarray(format="rgb24"), vf.rotation or 0)
                yield Frame(index, t, rgb)
                index, last = index + 1, t
        except (av.error.FFmpegError, OSError, ValueError) as e:
            raise VideoDamaged(f"{self.path}: video damaged after frame {index} ({_reason(e)}); "
                               f"the {index} frames before it were analysed") from None
        if index == 0:
            raise VideoDamaged(f"{self.path}: no frame could be decoded; is the file truncated?")
        if self.declared_frames and index < self.declared_frames:
            raise VideoDamaged(f"{self.path}: video ends after {index} of the {self.declared_frames} frames it "
                               "declares; is the file truncated? The frames read were analysed")
        if self.declared_seconds and (last or 0.0) + step + TRUNCATION_SLACK_SECONDS < self.declared_seconds:
            raise VideoDamaged(f"{self.path}: video ends at {last + step:.2f} s of the {self.declared_seconds:.2f} s it "
                               "declares; is the file truncated? The frames read were analysed")


def _reason(e: Exception) -> str:
    text = getattr(e, "strerror", None) or str(e)
    return " ".join(str(text).split())


class VideoWriter:
    """Frames → an H.264 (libx264, yuv420p) MP4 with the input's frame rate and timestamps; MP4
    with ``faststart`` (the index first), which Chromium, Safari and Firefox play.  Written to a
    temporary file beside ``path`` and moved into place by ``close()``; ``abort()`` leaves no
    trace.  yuv420p needs even sides: an odd frame gets a black last row/column."""

    def __init__(self, path: str | os.PathLike, rate: Fraction, width: int, height: int):
        av = _av()
        self.path = Path(path)
        fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix="." + self.path.name, suffix=".tmp.mp4")
        os.close(fd)
        self.w, self.h = width + width % 2, height + height % 2
        self.container = av.open(self.tmp, "w", format="mp4", options={"movflags": "+faststart"})
        self.stream = self.container.add_stream("libx264", rate=rate)
        self.stream.width, self.stream.height, self.stream.pix_fmt = self.w, self.h, "yuv420p"
        # crf 20: visually clean labels on busy backgrounds at a few megabits per second (1080p)
        self.stream.options = {"crf": "20", "preset": "veryfast"}
        # one tick per nominal frame: a variable-rate input's times are rounded to that grid
        self.stream.codec_context.time_base = 1 / Fraction(rate)
        self.tick = Fraction(rate)  # ticks per second
        self.last_pts = -1

    def write(self, rgb: np.ndarray, time: float) -> None:
        """One frame shown at ``time`` seconds."""
        av = _av()
        h, w = rgb.shape[:2]
        if (h, w) != (self.h, self.w):
            padded = np.zeros((self.h, self.w, 3), np.uint8)
            padded[:h, :w] = rgb
            rgb = padded
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts = max(self.last_pts + 1, round(time * self.tick))
        self.last_pts = frame.pts
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def close(self) -> None:
        """Flush the encoder and move the file into place."""
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(self.tmp, 0o666 & ~mask)
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.container.close()
        except Exception:  # the file is being thrown away; its state does not matter
            pass
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)
