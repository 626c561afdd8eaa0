"""Parity case sets for the Kotlin suite: the shared real images plus edge cases.

Edge cases: faces cut by the image border (the crop reads ``fill`` outside the image), tiny and
extreme-aspect images (the letterbox is mostly padding), and real detector outputs with NaN and
±infinity written into them (fault injection: such anchors must be dropped, or, for +inf
scores, kept with score 1, exactly as the reference does).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from packager import recipes, samples
from packager.parity import cases
from packager.reference import pipeline


def edge_images() -> dict[str, np.ndarray]:
    """Real pixels in awkward shapes."""
    a = samples.astronaut()
    return {
        "border_left": a[:200, 200:],  # face cut by the left edge
        "border_corner": a[0:170, 0:250],  # face cut by the right and bottom edges
        "tiny": a[250:252, 250:253],  # 3×2
        "strip": a[256:257, 0:300],  # 300×1
    }


IMAGE_NAMES = list(samples.parity_images()) + list(edge_images()) + ["corrupted_outputs"]
CASE_NAMES = [f"{image}-{recipe}" for recipe in recipes.EMOTIONS for image in IMAGE_NAMES]


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
    """Every case of one emotion recipe, named ``<image>-<recipe>``."""
    pipe = pipeline.build_pipeline(prepared)
    suffix = "-" + prepared.emotion.recipe.name
    written = cases.write_cases(root, pipe, {**samples.parity_images(), **edge_images()}, suffix)
    pipe.det_session = CorruptedDetector(pipe.det_session)
    written.append(cases.write_case(root, "corrupted_outputs" + suffix, pipe, samples.astronaut()))
    return written
