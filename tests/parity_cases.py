"""Parity case sets read by every language's suite: the shared real images plus edge cases.

Edge cases: faces cut by the image border (the crop reads ``fill`` outside the image), tiny and
extreme-aspect images (the letterbox is mostly padding), and real detector outputs with NaN and
±infinity written into them (fault injection: such anchors must be dropped, or, for +inf
scores, kept with score 1, exactly as the reference does).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np

from packager import preparation, recipes, samples
from packager.parity import cases
from packager.reference import emotion, frames


def edge_images() -> dict[str, np.ndarray]:
    """Real pixels in awkward shapes."""
    a = samples.astronaut()
    return {
        "border_left": a[:200, 200:],  # face cut by the left edge
        "border_corner": a[0:170, 0:250],  # face cut by the right and bottom edges
        "tiny": a[250:252, 250:253],  # 3×2
        "strip": a[256:257, 0:300],  # 300×1
    }


#: Face boxes (image pixels) on the 512×512 astronaut photo, at and beyond its edges.
EDGE_BOXES = [
    (-500.0, -400.0, -300.0, -200.0),  # fully outside: the crop is all fill
    (400.0, 450.0, 700.0, 650.0),  # partly outside (right, bottom)
    (-20.5, 100.25, 60.0, 160.0),  # partly outside (left), wider than tall
    (255.3, 255.7, 255.4, 255.9),  # a fraction of a pixel: upscaling by ~300
    (-512.0, -512.0, 1024.0, 1024.0),  # three times the image: downscaling by ~20
    (10.0, 10.0, 10.0, 40.0),  # zero width: still a square crop of side 30
]

#: Cases whose emotion stage runs on EDGE_BOXES instead of the detected faces.
BOX_CASES = ["edge_boxes"]
IMAGE_NAMES = list(samples.parity_images()) + list(edge_images()) + ["corrupted_outputs"] + BOX_CASES
#: Besides each recipe's own interpolation, every image again with both stages resampled by the
#: ``antialias`` option (the default emotion recipe): the spec's other method stays exact too.
OPTION_SUFFIX = "-antialias"
#: The other detectors: every image again, and composed group photos, with the default emotion
#: recipe, named ``<image>-<emotion recipe><DETECTOR_SUFFIX[detector]>``.
DETECTOR_SUFFIX = {"blazeface-full-range": "-full-range"}


def group_images() -> dict[str, np.ndarray]:
    """Group photos with faces 11–15% of the frame width (the full-range detector's range)."""
    return {"group3": samples.group((0.11, 0.13, 0.15))[0],
            "group4_1080p": samples.group((0.11, 0.12, 0.11, 0.13), 1920, 1080)[0]}


GROUP_NAMES = ["group3", "group4_1080p"]

#: Camera frames (``packager.reference.frames``): every layout × rotation on real photos, one of
#: them non-square (a swapped width and height shows), mirrored once per layout, rows padded; with
#: the default recipes, named ``<image>-<layout>-<rotation>[-mirrored]``.  Every mirrored case has
#: faces (``MIRRORED_CASES``), whose keypoints the harnesses must name for the subject (left/right
#: swapped back, ``detect.subject_keypoints``): compared by name, a core that does not swap fails.
#: Two faces mirrored at rotation 0 (iOS ``.upMirrored``) besides.
FRAME_IMAGES = ["astronaut", "two_faces", "portrait"]
FRAME_CASES = [(image, layout, rotation, False) for layout in frames.LAYOUTS for rotation in frames.ROTATIONS
               for image in FRAME_IMAGES] + [("portrait", layout, 90, True) for layout in frames.LAYOUTS]
FRAME_CASES += [("two_faces", "rgba", 0, True)]
#: The 4:2:0 layouts once more on a 128×128 face (lfw0), whose letterbox takes one bilinear
#: sub-sample per axis (step 1): every other frame case downscales (two sub-samples), and the YUV
#: loops have a path of their own for each count. Every rotation, plain and mirrored.
YUV_LAYOUTS = tuple(layout for layout in frames.LAYOUTS if layout in ("i420", "nv12", "nv21"))
FRAME_CASES += [("lfw0", layout, rotation, mirrored) for layout in YUV_LAYOUTS for rotation in frames.ROTATIONS
                for mirrored in (False, True)]


#: Video-range YUV (iOS 420v), the fifth field False: the conversion of the resampled planes with
#: the other coefficients and the Y offset, in both languages; a face in each, both sub-sample counts.
FRAME_CASES += [("astronaut", "nv12", 270, True, False), ("portrait", "i420", 90, False, False),
                ("lfw0", "nv21", 180, False, False)]


def frame_case_name(image: str, layout: str, rotation: int, mirrored: bool, full_range: bool = True) -> str:
    return f"{image}-{layout}-{rotation}" + ("-mirrored" if mirrored else "") + ("" if full_range else "-video")


MIRRORED_CASES = [frame_case_name(*c) for c in FRAME_CASES if c[3]]


def frame_images() -> dict[str, frames.Frame]:
    photos = samples.parity_images()
    return {frame_case_name(*c): frames.from_rgb(photos[c[0]], *c[1:]) for c in FRAME_CASES}
CASE_NAMES = [f"{image}-{recipe}" for recipe in recipes.EMOTIONS for image in IMAGE_NAMES] + [
    f"{image}-{recipes.DEFAULT_EMOTION}{OPTION_SUFFIX}" for image in IMAGE_NAMES] + [
    f"{image}-{recipes.DEFAULT_EMOTION}{suffix}" for suffix in DETECTOR_SUFFIX.values() for image in IMAGE_NAMES + GROUP_NAMES] + [
    frame_case_name(*c) for c in FRAME_CASES]


#: The cases whose chained result (``compare.compare_chain``) is checked: all but the box cases,
#: which have no detector run to chain.
CHAIN_CASES = [n for n in CASE_NAMES if not n.startswith(tuple(BOX_CASES))]


def case_meta(parity: dict[str, tuple[Path, Path]], name: str) -> dict:
    """The ``case.json`` of case ``name`` in a suite's ``{name: (case folder, output folder)}``."""
    return json.loads((parity[name][0] / "case.json").read_text())


def check_chain(case: Path, out: Path) -> None:
    """FaceEmotionSteps (detect → crop → classify, the reference's model outputs standing in for
    the runtime) gave the reference's faces and top labels."""
    from packager.parity import compare

    problems = compare.compare_chain(case, out)
    assert not problems, "\n".join(problems)


def name_as_unmirrored(out: Path, detector: recipes.DetectorRecipe) -> None:
    """Rewrite a harness's ``faces.json`` in ``out`` as a core that ignores the mirror would have
    written it: each keypoint under its left/right partner's name."""
    names = detector.keypoint_names
    partner = {n: names[j] for n, j in zip(names, detector.keypoint_mirror)}
    doc = json.loads((out / "faces.json").read_text())
    for face in doc["faces"]:
        for key in ("keypoints", "keypoints_px", "normalized_keypoints"):
            face[key] = {partner[n]: point for n, point in face[key].items()}
    (out / "faces.json").write_text(json.dumps(doc))


def check_mirrored_case(case: Path, out: Path, scratch: Path) -> None:
    """A mirrored case has faces, and its keypoints are compared by name: the harness's own output
    ``out`` rewritten (in ``scratch``) with each keypoint under its partner's name — what a core
    that ignores the mirror writes — fails on the keypoints alone."""
    from packager.parity import compare

    meta = json.loads((case / "case.json").read_text())
    assert meta["frame"]["mirrored"] and meta["num_faces"] >= 1
    wrong = shutil.copytree(out, scratch)
    name_as_unmirrored(wrong, recipes.detector_recipe(meta["detector_recipe"]))
    res = compare.compare_case(case, wrong)
    assert not res.ok and res.diffs["keypoints"] > 100 * compare.COORD_TOL
    assert all("keypoints" in line for line in res.failures), res.failures


def run_every_case(tmp_path_factory, parity_prepared: list, lang: str, run_harness) -> dict[str, tuple[Path, Path]]:
    """case name → (case folder, harness output folder): every recipe's cases written under one
    root, and ``run_harness(root, out)`` (a language's harness) run once over all of them."""
    root = tmp_path_factory.mktemp(f"{lang}-cases")
    out = tmp_path_factory.mktemp(f"{lang}-out")
    written = [case for prepared in parity_prepared for case in write_all(root, prepared)]
    run_harness(root, out)
    return {c.name: (c, out / c.name) for c in written}


class CorruptedDetector:
    """The real detector session with NaN / ±inf written into its outputs."""

    def __init__(self, session):
        self.session = session

    def run(self, names, feeds):
        reg, cls = (np.array(x) for x in self.session.run(names, feeds))
        order = np.argsort(-cls[0, :, 0], kind="stable")
        best, second, low = order[0], order[1], order[-5:]
        reg[0, best, 5] = np.nan  # the best anchor is dropped
        cls[0, second, 0] = np.nan  # dropped too
        cls[0, low[0], 0] = np.inf  # a far-off anchor now scores 1 (clip, then sigmoid)
        cls[0, low[1], 0] = -np.inf
        reg[0, low[2], 0] = np.inf  # low score: dropped anyway
        return [reg, cls]


def write_all(root: Path, prepared) -> list[Path]:
    """Every case of one emotion recipe, named ``<image>-<recipe>``; for the default recipe also
    with the ``antialias`` option (``<image>-<recipe>-antialias``); for another detector, the
    images and the group photos (``<image>-<recipe><DETECTOR_SUFFIX>``)."""
    detector = prepared.detector.recipe.name
    if detector != recipes.DEFAULT_DETECTOR:
        return _write_set(root, prepared, f"-{prepared.emotion.recipe.name}{DETECTOR_SUFFIX[detector]}", None, group_images())
    written = _write_set(root, prepared, "-" + prepared.emotion.recipe.name, None)
    if prepared.emotion.recipe.name == recipes.DEFAULT_EMOTION:
        written += _write_set(root, prepared, f"-{recipes.DEFAULT_EMOTION}{OPTION_SUFFIX}", "antialias")
        written += cases.write_cases(root, _pipe(prepared, None), frame_images())
    return written


def _pipe(prepared, resize: str | None):
    pipe = preparation.build_pipeline(prepared)
    if resize is not None:
        pipe.detector = dataclasses.replace(pipe.detector, resize=resize)
        pipe.emotion = dataclasses.replace(pipe.emotion, resize=resize)
    return pipe


def _write_set(root: Path, prepared, suffix: str, resize: str | None, extra: dict | None = None) -> list[Path]:
    pipe = _pipe(prepared, resize)
    written = cases.write_cases(root, pipe, {**samples.parity_images(), **edge_images(), **(extra or {})}, suffix)
    pipe.det_session = CorruptedDetector(pipe.det_session)
    written.append(cases.write_case(root, "corrupted_outputs" + suffix, pipe, samples.astronaut()))
    written.append(write_box_case(root, "edge_boxes" + suffix, _pipe(prepared, resize)))
    return written


def _f32(path: Path, a) -> None:
    np.asarray(a, dtype="<f4").tofile(path)


def write_box_case(root: Path, name: str, pipe) -> Path:
    """A parity case of the astronaut photo whose crop boxes are EDGE_BOXES: the reference's
    crops of them, the emotion model's real outputs for those crops, and its results."""
    rgb = samples.astronaut()
    case = cases.write_case(root, name, pipe, rgb)
    meta = json.loads((case / "case.json").read_text())
    meta["crop_boxes"] = [list(b) for b in EDGE_BOXES]
    meta["num_faces"] = len(EDGE_BOXES)  # compare.py reads one emotion input per crop box
    results = []
    for i, box in enumerate(EDGE_BOXES):
        x = emotion.preprocess(pipe.emotion, rgb, box)
        out = pipe.run_emotion(x)
        _f32(case / "expected" / f"emotion_input_{i}.f32", x)
        _f32(case / f"emotion_output_{i}.f32", out)
        r = emotion.postprocess(pipe.emotion, out)
        results.append({"probabilities": list(r.probabilities), "top_label": r.top_label})
    (case / "expected" / "emotion.json").write_text(json.dumps({"faces": results}))
    (case / "case.json").write_text(json.dumps(meta, indent=1))
    return case
