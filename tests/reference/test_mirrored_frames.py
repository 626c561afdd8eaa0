"""Mirrored frames keep the subject's own keypoint names (``detect.subject_keypoints``), and faces
come normalized to the upright image as well as to the letterbox."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from packager import recipes, samples
from packager.reference import detect, frames
from packager.reference.wrappers import FaceDetectionWrapper

NAMES = recipes.BLAZEFACE_SHORT_RANGE.keypoint_names


def test_keypoint_mirror_pairs_left_with_right():
    assert recipes.keypoint_partner("right_ear_tragion") == "left_ear_tragion"
    assert recipes.keypoint_partner("nose_tip") == "nose_tip"
    for recipe in recipes.DETECTORS.values():
        mirror = recipe.keypoint_mirror
        assert sorted(mirror) == list(range(recipe.num_keypoints))  # a permutation…
        assert all(mirror[mirror[i]] == i for i in range(len(mirror)))  # …that undoes itself
        assert {recipe.keypoint_names[i]: recipe.keypoint_names[j] for i, j in enumerate(mirror) if i != j} == {
            "right_eye": "left_eye", "left_eye": "right_eye",
            "right_ear_tragion": "left_ear_tragion", "left_ear_tragion": "right_ear_tragion"}


def test_a_side_without_its_partner_is_refused():
    one_sided = dataclasses.replace(recipes.BLAZEFACE_SHORT_RANGE, keypoint_names=("left_eye", "nose_tip"), num_keypoints=2)
    with pytest.raises(ValueError, match="'left_eye' has no mirror partner 'right_eye'"):
        one_sided.keypoint_mirror


def test_subject_keypoints_swap_only_when_mirrored():
    kps = np.arange(12, dtype=np.float64).reshape(6, 2)
    recipe = recipes.BLAZEFACE_SHORT_RANGE
    assert detect.subject_keypoints(recipe, kps, False) is kps
    swapped = detect.subject_keypoints(recipe, kps, True)
    assert swapped[:, 0].tolist() == [2, 0, 4, 6, 10, 8]  # rows 0↔1 and 4↔5: coordinates unchanged


def _named(points) -> dict:
    return dict(zip(NAMES, points, strict=True))


def test_mirrored_astronaut_names_her_own_eyes(reference):
    """A front camera delivering the astronaut photo, mirrored: the upright image is the photo
    flipped, and each keypoint must be where the un-mirrored run puts that part of her face,
    flipped (x' = W − x).  Without the swap, right_eye would be her left eye."""
    photo = samples.astronaut()
    width = photo.shape[1]
    [plain] = reference(photo)
    frame = dataclasses.replace(frames.from_rgb(photo, "rgba"), mirrored=True)
    assert (frame.rgb() == photo[:, ::-1]).all()
    [face] = reference(frame)
    got, want = _named(face.keypoints), {n: (width - x, y) for n, (x, y) in _named(plain.keypoints).items()}
    partner = dict(zip(NAMES, (NAMES[i] for i in reference.detector.keypoint_mirror)))
    side = face.box[2] - face.box[0]  # 94 px
    for name, (x, y) in got.items():
        # Near her own point: the detector is not exactly mirror-symmetric (measured: x within
        # 5.0 px, y within 11.1 px — the ear tragions), while the other side's point is 40+ px
        # away in x.
        assert abs(x - want[name][0]) < 0.08 * side and abs(y - want[name][1]) < 0.15 * side, name
        if partner[name] != name:
            assert abs(x - want[partner[name]][0]) > 0.4 * side, name
    assert got["right_eye"][0] > got["nose_tip"][0] > got["left_eye"][0]  # her right eye is on the image's right
    # The same upright pixels as an un-mirrored image: the same points, under the other names.
    [unnamed] = reference(frame.rgb())
    assert face.box == unnamed.box
    assert got["right_eye"] == _named(unnamed.keypoints)["left_eye"]
    assert got["left_ear_tragion"] == _named(unnamed.keypoints)["right_ear_tragion"]
    assert got["nose_tip"] == _named(unnamed.keypoints)["nose_tip"]


def test_faces_are_normalized_to_the_upright_image_and_to_the_letterbox(reference):
    """A non-square photo as a turned, mirrored YUV frame: normalized_* are the pixels divided
    by the upright size; letterbox_* are the detector's own coordinates."""
    photo = samples.portrait()
    frame = frames.from_rgb(photo, "nv21", 90, True)
    width, height = frame.upright_size
    assert (width, height) == (photo.shape[1], photo.shape[0]) and width != height
    t = reference.trace(frame)
    [face] = t.faces
    assert face.normalized_box == (face.box[0] / width, face.box[1] / height, face.box[2] / width, face.box[3] / height)
    assert face.normalized_keypoints == tuple((x / width, y / height) for x, y in face.keypoints)
    [det] = t.detections
    assert face.letterbox_box == det.box and np.array_equal(face.letterbox_keypoints, det.keypoints)
    assert 0 < face.normalized_box[0] < face.normalized_box[2] < 1


def test_the_wrapper_carries_the_mirror_from_preprocess_to_postprocess(reference):
    frame = frames.from_rgb(samples.astronaut(), "bgra", 270, True)
    wrapper = FaceDetectionWrapper(reference.detector)
    inputs = wrapper.preprocess(frame)
    assert inputs.mirrored and inputs.letterbox.width == inputs.letterbox.height == 512
    faces = wrapper.postprocess(*reference.run_detector(inputs.tensor), inputs)
    assert [f.keypoints for f in faces] == [f.keypoints for f in reference(frame)]
    assert [f.keypoints for f in faces] != [f.keypoints for f in reference(frame.rgb())]
