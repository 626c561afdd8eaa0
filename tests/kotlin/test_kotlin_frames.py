"""Camera frames through the Kotlin core beyond the shared parity set (which runs every layout ×
rotation with the default, bilinear, full-range recipe): video-range YUV, and the ANTIALIAS and
NEAREST resamplers reading frames (their own per-pixel path), bit-identical to the reference."""

from __future__ import annotations

import dataclasses

import pytest

from packager import preparation, samples
from packager.parity import cases, compare, harness_bench, kotlin_harness
from packager.reference import frames

#: name → (photo, layout, rotation, mirrored, full range, resize of both stages or None).
FRAMES = {
    "video-nv12-270-mirrored": ("astronaut", "nv12", 270, True, False, None),
    "video-i420-90": ("portrait", "i420", 90, False, False, None),
    "video-nv21-180-antialias": ("two_faces", "nv21", 180, False, False, "antialias"),
    "bgra-90-mirrored-antialias": ("astronaut", "bgra", 90, True, True, "antialias"),
    "rgba-270-nearest": ("portrait", "rgba", 270, False, True, "nearest"),
    "nv21-90-mirrored-nearest": ("astronaut", "nv21", 90, True, True, "nearest"),
}


@pytest.fixture(scope="module")
def frame_runs(tmp_path_factory, prepared_default, kotlin_classes) -> dict:
    root = tmp_path_factory.mktemp("frame-cases")
    out = tmp_path_factory.mktemp("frame-out")
    photos = samples.parity_images()
    written = {}
    for name, (photo, layout, rotation, mirrored, full_range, resize) in FRAMES.items():
        pipe = preparation.build_pipeline(prepared_default)
        if resize is not None:
            pipe.detector = dataclasses.replace(pipe.detector, resize=resize)
            pipe.emotion = dataclasses.replace(pipe.emotion, resize=resize)
        frame = frames.from_rgb(photos[photo], layout, rotation, mirrored, full_range)
        written[name] = cases.write_case(root, name, pipe, frame)
    kotlin_harness.run_harness(root, out)
    return {name: (case, out / name) for name, case in written.items()}


@pytest.mark.parametrize("name", list(FRAMES))
def test_frame_parity(frame_runs, name):
    case, out = frame_runs[name]
    res = compare.compare_case(case, out)
    assert res.ok, "\n".join(res.failures)
    assert not compare.compare_chain(case, out)


def test_video_range_differs_from_full_range():
    """The video-range cases test something: read as full range, the same planes give other pixels."""
    photo = samples.parity_images()["astronaut"]
    video = frames.from_rgb(photo, "nv12", 270, True, full_range=False)
    assert (dataclasses.replace(video, full_range=True).rgb() != video.rgb()).mean() > 0.5


#: name → (layout, rotation, mirrored): 1080p camera buffers (the benchmark's frame), whose
#: letterbox and face crop read the planes in place (their taps span more than a byte each:
#: BilinearYuv.kt's yuv2x2InPlace), which the photos above are too small for; two walk directions.
WIDE_FRAMES = {"nv21-90-1080p": ("nv21", 90, False), "nv12-270-mirrored-1080p": ("nv12", 270, True)}


def test_wide_frames_read_in_place(tmp_path, prepared_default, kotlin_classes):
    pipe = preparation.build_pipeline(prepared_default)
    image = harness_bench.bench_frame(1080, 1920)
    written = {
        name: cases.write_case(tmp_path / "cases", name, pipe, frames.from_rgb(image, layout, rotation, mirrored, True))
        for name, (layout, rotation, mirrored) in WIDE_FRAMES.items()
    }
    kotlin_harness.run_harness(tmp_path / "cases", tmp_path / "out")
    for name, case in written.items():
        res = compare.compare_case(case, tmp_path / "out" / name)
        assert res.ok, f"{name}: " + "\n".join(res.failures)
