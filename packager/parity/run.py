"""``packager parity``: run a language's compiled core on images and compare it with the
reference, stage by stage."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

from packager import preparation, recipes
from packager.errors import PackagerError
from packager.imagefiles import load_image
from packager.parity import cases, compare
from packager.reference import frames

#: language → module whose ``run_harness(cases_root, out_root)`` compiles the
#: generated core with its harness and runs it over every case folder.
HARNESSES = {"kotlin": "packager.parity.kotlin", "swift": "packager.parity.swift"}


def harness(lang: str):
    if lang not in HARNESSES:
        raise PackagerError(f"unknown language {lang!r}; choose one of: {', '.join(HARNESSES)}")
    return importlib.import_module(HARNESSES[lang])


def check_images(images: dict, prepared, langs: list[str], progress) -> dict[str, list[compare.CaseResult]]:
    """Write one case per image and compare each language's harness with the reference."""
    pipe = preparation.build_pipeline(prepared)
    results = {}
    with tempfile.TemporaryDirectory(prefix="packager-parity-") as tmp:
        root = Path(tmp) / "cases"
        written = cases.write_cases(root, pipe, images)
        for lang in langs:
            out = Path(tmp) / f"out-{lang}"
            with progress.stage(f"compiling and running the {lang} core on {len(written)} image(s)"):
                harness(lang).run_harness(root, out)
            results[lang] = [compare.compare_case(c, out / c.name) for c in written]
    return results


def table(results: dict[str, list[compare.CaseResult]]) -> str:
    stages = ["detector_input", "boxes", "keypoints", "scores", "emotion_input", "probabilities"]
    tol = [compare.TENSOR_TOL, compare.COORD_TOL, compare.COORD_TOL, compare.PROB_TOL, compare.TENSOR_TOL, compare.PROB_TOL]
    lines = ["| language | image | " + " | ".join(stages) + " | result |", "|" + "---|" * (len(stages) + 3)]
    for lang, rs in results.items():
        for r in rs:
            cells = [f"{r.diffs[s]:.2g}" if s in r.diffs else "–" for s in stages]
            lines.append(f"| {lang} | {r.name} | " + " | ".join(cells) + f" | {'ok' if r.ok else 'FAIL'} |")
    lines.append("tolerances: " + ", ".join(f"{s} {t:g}" for s, t in zip(stages, tol)))
    for rs in results.values():
        for r in rs:
            lines.extend(r.failures)
    return "\n".join(lines)


#: ``--frame`` → ``frames.from_rgb`` layout: what the cameras deliver.
FRAMES = {"rgb": None, "argb": "argb", "rgba": "rgba", "bgra": "bgra", "yuv420": "i420", "nv12": "nv12", "nv21": "nv21"}


def parity_command(image_paths: list[str], langs: list[str], emotion_recipe: str, emotion_model, progress, print_fn=print,
                   detector: str = recipes.DEFAULT_DETECTOR, frame: str = "rgb", rotation: int = 0,
                   mirrored: bool = False) -> int:
    for lang in langs:
        harness(lang)
    images = {Path(p).stem: load_image(p) for p in image_paths}
    if FRAMES.get(frame) is not None:
        images = {name: frames.from_rgb(rgb, FRAMES[frame], rotation, mirrored) for name, rgb in images.items()}
    elif rotation or mirrored:
        raise PackagerError("--rotation and --mirrored describe a camera frame: give --frame too")
    with progress.stage("preparing models"):
        prepared = preparation.prepare(detector, emotion_recipe, emotion_model)
    results = check_images(images, prepared, langs, progress)
    print_fn(table(results))
    return 0 if all(r.ok for rs in results.values() for r in rs) else 1
