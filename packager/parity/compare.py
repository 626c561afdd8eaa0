"""Compare a language harness's outputs with the reference, stage by stage.

Tolerances (docs/DESIGN.md, Parity): input tensors bit-identical (float32), boxes and keypoints
1e-4 in normalized coordinates (normalized to the letterbox and to the image), keypoints compared
by name, the same number of faces, probabilities 1e-5, the same top label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TENSOR_TOL = 0.0
COORD_TOL = 1e-4
PROB_TOL = 1e-5


@dataclass
class CaseResult:
    """Largest difference per stage, and what failed.

    Attributes:
        diffs: stage → largest absolute difference (``detector_input``, ``boxes``,
            ``keypoints``, ``scores``, ``emotion_input``, ``probabilities``).
        failures: human-readable lines, empty when the case passes.
    """

    name: str
    diffs: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _read_f32(path: Path) -> np.ndarray:
    if not path.is_file():
        raise FileNotFoundError(path)
    return np.fromfile(path, dtype="<f4")


def _check(res: CaseResult, stage: str, ours, theirs, tol: float) -> None:
    ours, theirs = np.asarray(ours, np.float64).reshape(-1), np.asarray(theirs, np.float64).reshape(-1)
    if ours.shape != theirs.shape:
        res.failures.append(f"{res.name}: {stage} has {ours.size} values, the reference {theirs.size}")
        res.diffs[stage] = float("inf")
        return
    d = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    if np.isnan(ours).any():
        d = float("inf")
    res.diffs[stage] = max(res.diffs.get(stage, 0.0), d)
    if not d <= tol:
        res.failures.append(f"{res.name}: {stage} differs by {d:.3g} (tolerance {tol:g})")


def _check_named(res: CaseResult, stage: str, ours: dict, theirs: dict, tol: float) -> None:
    """Keypoints compared by name ({name: [x, y]}): the same names, each point within ``tol``.
    A keypoint under the other side's name (a mirrored frame whose left/right pairs were not
    swapped back) is an eye's width away, far beyond ``tol``."""
    if set(ours) != set(theirs):
        res.failures.append(f"{res.name}: {stage} named {sorted(ours)}, the reference {sorted(theirs)}")
        res.diffs[stage] = float("inf")
        return
    names = sorted(theirs)
    _check(res, stage, [ours[n] for n in names], [theirs[n] for n in names], tol)


def compare_case(case: Path, out: Path) -> CaseResult:
    """Check the harness output folder ``out`` for parity case ``case``."""
    res = CaseResult(case.name)
    exp = case / "expected"
    try:
        _check(res, "detector_input", _read_f32(out / "detector_input.f32"), _read_f32(exp / "detector_input.f32"), TENSOR_TOL)
        want = json.loads((exp / "faces.json").read_text())["faces"]
        got = json.loads((out / "faces.json").read_text())["faces"]
        if len(got) != len(want):
            res.failures.append(f"{res.name}: {len(got)} faces, the reference finds {len(want)}")
        else:
            for g, w in zip(got, want):
                for box in ("box", "normalized_box"):
                    _check(res, "boxes", g[box], w[box], COORD_TOL)
                for points in ("keypoints", "normalized_keypoints"):
                    _check_named(res, "keypoints", g[points], w[points], COORD_TOL)
                _check(res, "scores", [g["score"]], [w["score"]], PROB_TOL)
        meta = json.loads((case / "case.json").read_text())
        want_e = json.loads((exp / "emotion.json").read_text())["faces"]
        got_e = json.loads((out / "emotion.json").read_text())["faces"]
        for i in range(meta["num_faces"]):
            _check(res, "emotion_input", _read_f32(out / f"emotion_input_{i}.f32"), _read_f32(exp / f"emotion_input_{i}.f32"), TENSOR_TOL)
        if len(got_e) != len(want_e):
            res.failures.append(f"{res.name}: {len(got_e)} emotion results, the reference has {len(want_e)}")
        else:
            for g, w in zip(got_e, want_e):
                _check(res, "probabilities", g["probabilities"], w["probabilities"], PROB_TOL)
                if g["top_label"] != w["top_label"]:
                    res.failures.append(f"{res.name}: top label {g['top_label']!r}, the reference says {w['top_label']!r}")
    except (FileNotFoundError, KeyError, ValueError) as e:
        res.failures.append(f"{res.name}: harness output missing or malformed: {e}")
    return res


def summarize(results: list[CaseResult]) -> dict[str, float]:
    """Largest difference per stage over all cases."""
    out: dict[str, float] = {}
    for r in results:
        for k, v in r.diffs.items():
            out[k] = max(out.get(k, 0.0), v)
    return out


def report_entry(results: list[CaseResult]) -> dict:
    """One language's line of the build report's parity table (``htmlreport.buildreport.parity_section``),
    as plain data: ``{"worst": summarize(results), "ok": every case passed, "images": case count}``."""
    return {"worst": summarize(results), "ok": all(r.ok for r in results), "images": len(results)}


#: The chain crops its own boxes, which equal the reference's to float64 rounding.
CHAIN_BOX_TOL = 1e-6


def compare_chain(case: Path, out: Path) -> list[str]:
    """Check ``pipeline.json`` (the generated detect → crop → classify chain): the reference's
    face count, boxes in pixels and top labels.  Returns failure lines (empty: ok)."""
    got = json.loads((out / "pipeline.json").read_text())["faces"]
    want_faces = json.loads((case / "expected" / "faces.json").read_text())["faces"]
    want_labels = json.loads((case / "expected" / "emotion.json").read_text())["faces"]
    if len(got) != len(want_faces):
        return [f"{case.name}: the chain finds {len(got)} faces, the reference {len(want_faces)}"]
    problems = []
    for i, (g, wf, wl) in enumerate(zip(got, want_faces, want_labels)):
        d = float(np.max(np.abs(np.asarray(g["box_px"], np.float64) - np.asarray(wf["box_px"], np.float64))))
        if not d <= CHAIN_BOX_TOL:
            problems.append(f"{case.name}: chain face {i} box differs by {d:.3g} px (tolerance {CHAIN_BOX_TOL:g})")
        if g["top_label"] != wl["top_label"]:
            problems.append(f"{case.name}: chain face {i} says {g['top_label']!r}, the reference {wl['top_label']!r}")
    return problems
