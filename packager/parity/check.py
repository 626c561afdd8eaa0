"""Run a language's compiled core on images (and the frames of videos) and compare it with the
reference, stage by stage; a video's frame sequence also goes through each language's tracker
(``packager.parity.sequences``).  The command (``packager parity``) is
``packager.commands.parity``."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

from packager import parity, preparation
from packager.errors import PackagerError
from packager.parity import cases, compare, sequences
from packager.videofiles import VideoReader


def harness(lang: str):
    if lang not in parity.HARNESSES:
        raise PackagerError(f"unknown language {lang!r}; choose one of: {', '.join(parity.HARNESSES)}")
    return importlib.import_module(parity.HARNESSES[lang])


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


def video_frames(path: str, every: int) -> list:
    """The analysed frames (0, every, 2·every, …) of a video, upright; a damaged video is refused
    (parity wants every frame it was given)."""
    with VideoReader(path) as video:
        return [f for f in video.frames() if f.index % every == 0]


def check_sequences(videos: dict[str, list], prepared, langs: list[str], progress) -> list[str]:
    """Each video's analysed frames through the reference, then each language's FaceTracker on the
    reference's faces (``packager.parity.sequences``): one table line per language and video, then
    every difference."""
    pipe = preparation.build_pipeline(prepared)
    lines, problems = ["| language | video | frames | faces | tracks | result |", "|---|---|---|---|---|---|"], []
    with tempfile.TemporaryDirectory(prefix="packager-sequence-") as tmp:
        for name, frames_ in videos.items():
            seq = [(round(f.time * 1000), pipe(f.rgb)) for f in frames_]
            job = sequences.write_job(Path(tmp) / f"{name}.json", seq, prepared.emotion.recipe.labels)
            want = sequences.expected(seq)
            faces, tracks = sum(len(w["tracks"]) for w in want), len({t for w in want for t in w["tracks"]})
            for lang in langs:
                with progress.stage(f"running the {lang} tracker on {name} ({len(seq)} frames)"):
                    diffs = sequences.compare(want, harness(lang).sequence(job))
                lines.append(f"| {lang} | {name} | {len(seq)} | {faces} | {tracks} | {'ok' if not diffs else 'FAIL'} |")
                problems += [f"{lang} {name}: {d}" for d in diffs]
    return lines + problems
