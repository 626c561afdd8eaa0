"""The reference pipeline on real photos (scikit-image's astronaut and LFW subset)."""

import numpy as np
import pytest

from packager import samples


def test_astronaut_one_happy_face_covering_her_face(reference):
    [face] = reference(samples.astronaut())
    x0, y0, x1, y1 = face.box
    # Her face spans roughly x 180–270, y 80–175 in the 512×512 photo.
    assert 165 < x0 < 195 and 260 < x1 < 285 and 65 < y0 < 95 and 160 < y1 < 190
    assert face.score > 0.9
    assert face.emotion.top_label == "happy" and face.emotion.top_probability > 0.9
    assert sum(face.emotion.probabilities) == pytest.approx(1.0, abs=1e-5)
    right_eye, left_eye, nose, mouth, right_ear, left_ear = face.keypoints
    # Subject's right eye is on the image's left; eyes above nose above mouth; all inside the box.
    assert right_eye[0] < nose[0] < left_eye[0] and right_ear[0] < left_ear[0]
    assert max(right_eye[1], left_eye[1]) < nose[1] < mouth[1]
    for x, y in face.keypoints:
        assert x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2


def test_lfw_faces_are_found_after_upscaling_and_non_faces_are_not(reference):
    faces = sum(1 for im in samples.lfw(True) if reference(samples.upscale(im, 128)))
    non_faces = sum(1 for im in samples.lfw(False) if reference(samples.upscale(im, 128)))
    assert faces >= 95, f"only {faces} of 100 LFW faces detected"
    assert non_faces <= 3, f"{non_faces} of 100 LFW non-faces detected as faces"


def test_composed_two_face_image_gives_two_faces(reference):
    faces = reference(samples.two_faces())
    assert len(faces) == 2
    left, right = sorted(faces, key=lambda f: f.box[0])
    assert left.box[2] <= 200 + 10 and right.box[0] >= 200 - 10  # one face per half


def test_photo_without_a_face_gives_none(reference):
    assert reference(samples.no_face()) == []


@pytest.mark.parametrize("name", ["portrait", "landscape"])
def test_non_square_images_map_boxes_back_to_the_source(reference, name):
    rgb = getattr(samples, name)()
    [face] = reference(rgb)
    [full] = reference(samples.astronaut())
    # Both crops keep the face; map the astronaut box into the crop's coordinates.
    dx, dy = {"portrait": (80, 0), "landscape": (20, 20)}[name]
    want = np.array(full.box) - [dx, dy, dx, dy]
    assert np.abs(np.array(face.box) - want).max() < 8  # pixels; different letterbox scales
    assert face.emotion.top_label == "happy"


def test_zero_size_image_is_refused(reference):
    from packager.reference import detect

    with pytest.raises(ValueError, match="zero size"):
        detect.preprocess(reference.detector, np.zeros((0, 10, 3), np.uint8))
