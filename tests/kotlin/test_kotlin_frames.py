"""Camera frames through the Kotlin core beyond the shared parity set (which runs every layout ×
rotation with the default, bilinear, full-range recipe): video-range YUV, and the ANTIALIAS and
NEAREST resamplers reading frames (their own per-pixel path), bit-identical to the reference."""

from __future__ import annotations

import dataclasses

import pytest

from packager import preparation, samples
from packager.parity import cases, compare, kotlin_harness
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
