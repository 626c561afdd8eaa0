"""Video decoding and encoding (``packager/videofiles.py``) on real footage: every container and
codec the issue names, the container's rotation, frame times, damage, and the annotated file's
frames and timing.  No model is needed: these run in the fast lane."""

from fractions import Fraction

import numpy as np
import pytest
from footage import cut_in_half, read_frames, shipped, write_clip

from packager.errors import PackagerError
from packager.videofiles import VideoDamaged, VideoReader, VideoWriter, upright


@pytest.fixture(scope="module")
def carphone_frames():
    """The first 12 frames of the carphone clip (176×144, a man's face)."""
    return read_frames(shipped("carphone_pristine.mp4"), 0, 12)


def decode(path):
    with VideoReader(path) as v:
        return v, list(v.frames())


def test_the_shipped_clip():
    v, frames = decode(shipped("carphone_pristine.mp4"))
    assert len(frames) == 120 and v.rate == Fraction(30000, 1001)
    assert [f.index for f in frames] == list(range(120))
    # presentation times: frame k at k · 1001/30000 s
    assert np.allclose([f.time for f in frames], np.arange(120) * 1001 / 30000, atol=1e-9)
    assert frames[0].rgb.shape == (144, 176, 3) and frames[0].rgb.dtype == np.uint8


@pytest.mark.parametrize("suffix,codec,pix_fmt", [
    (".mp4", "libx264", "yuv420p"), (".mov", "libx265", "yuv420p"), (".mkv", "libvpx-vp9", "yuv420p"),
    (".webm", "libvpx-vp9", "yuv420p"), (".avi", "mpeg4", "yuv420p"), (".mp4", "libsvtav1", "yuv420p"),
])
def test_containers_and_codecs(tmp_path, carphone_frames, suffix, codec, pix_fmt):
    """H.264, HEVC, VP9, AV1 and MPEG-4 in mp4/mov/mkv/webm/avi decode to the frames encoded
    (lossy: mean absolute difference of a few levels; MPEG-4 at its default bit rate is the
    coarsest), with their times."""
    path = write_clip(tmp_path / f"clip{suffix}", carphone_frames, 24, codec, pix_fmt=pix_fmt)
    v, frames = decode(path)
    assert len(frames) == len(carphone_frames) and v.fps == 24
    assert np.allclose([f.time for f in frames], np.arange(len(frames)) / 24, atol=2e-3)  # mkv: 1 ms clock
    for got, want in zip(frames, carphone_frames):
        assert got.rgb.shape == want.shape
        assert np.abs(got.rgb.astype(int) - want).mean() < 8


@pytest.mark.parametrize("rotation", [90, 180, -90])
def test_rotation_is_applied(tmp_path, carphone_frames, rotation):
    """A phone stores its frames sideways with a display matrix; the frames come out as the
    player shows them: turned ``rotation`` degrees counter-clockwise."""
    path = write_clip(tmp_path / "rotated.mp4", carphone_frames, 24, rotation=rotation)
    _, frames = decode(path)
    want = np.rot90(carphone_frames[0], rotation // 90)
    assert frames[0].rgb.shape == want.shape
    assert np.abs(frames[0].rgb.astype(int) - want).mean() < 6


def test_upright():
    a = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    assert upright(a, 0) is a
    assert np.array_equal(upright(a, 90), np.rot90(a))  # counter-clockwise
    assert np.array_equal(upright(a, -90), np.rot90(a, -1)) and np.array_equal(upright(a, 270), np.rot90(a, -1))
    assert np.array_equal(upright(a, 180), a[::-1, ::-1])


def test_unreadable_files(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.mp4").write_text("hello " * 100)
    for name, needle in [("missing.mp4", "video not found"), ("empty.mp4", "video file is empty"),
                         ("text.mp4", "not a video FFmpeg can read")]:
        with pytest.raises(PackagerError, match=needle):
            VideoReader(tmp_path / name)


@pytest.mark.parametrize("suffix,options", [(".mp4", {"movflags": "+faststart"}), (".mkv", {})])
def test_a_truncated_video_keeps_the_frames_before_the_damage(tmp_path, suffix, options):
    """The real clip remuxed (index first, so that half of it still opens), then cut in half:
    the frames before the cut come out, then ``VideoDamaged`` says it broke off.  The frame whose
    data the cut went through may come out damaged (Matroska: the decoder conceals the missing
    part); every frame before it is intact."""
    whole, cut = cut_in_half(tmp_path, suffix, options)
    got = []
    with VideoReader(cut) as v, pytest.raises(VideoDamaged, match="truncated|damaged"):
        for f in v.frames():
            got.append(f)
    assert 30 < len(got) < 90
    full = read_frames(whole, 0, len(got))
    assert all(np.array_equal(g.rgb, w) for g, w in zip(got[:-1], full))


def test_writer_keeps_frames_rate_and_times(tmp_path, carphone_frames):
    """What --annotate writes: H.264 yuv420p, every frame, the input's rate; an odd-sized frame is
    padded to even sides; the file appears only when closed."""
    odd = [f[:143, :175] for f in carphone_frames]
    out = tmp_path / "out.mp4"
    w = VideoWriter(out, Fraction(30000, 1001), 175, 143)
    for k, f in enumerate(odd):
        w.write(f, k * 1001 / 30000)
    assert not out.exists()
    w.close()
    v, frames = decode(out)
    assert len(frames) == len(odd) and v.rate == Fraction(30000, 1001)
    assert v.stream.codec_context.name == "h264" and v.stream.codec_context.pix_fmt == "yuv420p"
    assert frames[0].rgb.shape == (144, 176, 3)
    assert np.allclose([f.time for f in frames], np.arange(len(odd)) * 1001 / 30000, atol=1e-6)
    assert np.abs(frames[3].rgb[:143, :175].astype(int) - odd[3]).mean() < 4
    assert not list(tmp_path.glob(".*tmp*"))


def test_writer_abort_leaves_nothing(tmp_path, carphone_frames):
    out = tmp_path / "out.mp4"
    out.write_bytes(b"previous")
    w = VideoWriter(out, Fraction(24), 176, 144)
    w.write(carphone_frames[0], 0.0)
    w.abort()
    assert out.read_bytes() == b"previous" and list(tmp_path.iterdir()) == [out]
