"""What the camera-frame spec changes in results: real photos as camera frames (every 4:2:0 layout,
rotation, mirrored and not, full and video range) through the reference, against the same photos
as RGB images — faces found, box IoU, top labels, probabilities — for the spec (YUV planes
resampled, then converted once per output value: ``frames.resample``) and, beside it, for the
per-pixel conversion it replaced (the frame's upright RGB image resampled).  The table of
docs/DESIGN.md "Camera frames"::

    python -m packager.bench.frame_accuracy
"""

from __future__ import annotations

import itertools
import sys

import numpy as np

from packager import preparation, samples
from packager.parity.harness_bench import bench_frame
from packager.reference import frames
from packager.reference.statements import iou

YUV_LAYOUTS = ("i420", "nv12", "nv21")


def photos() -> dict[str, np.ndarray]:
    """The parity photos, the composed group photos and the bench's VGA and 1080p frames."""
    out = dict(samples.parity_images())
    out["group3"] = samples.group((0.11, 0.13, 0.15))[0]
    out["bench_640x480"] = bench_frame(640, 480)
    out["bench_1920x1080"] = bench_frame(1920, 1080)
    return out


def variants():
    """(layout, rotation, mirrored, full range) of every frame made from each photo."""
    return itertools.product(YUV_LAYOUTS, frames.ROTATIONS, (False, True), (True, False))


def compare(base: list, other: list) -> dict:
    """Faces of one image against the RGB path's, each RGB face with the face of best IoU:
    counts, box IoU, same top label, probability differences."""
    same_count = len(base) == len(other)
    ious, labels, dp = [], [], []
    for a in base if other else []:
        b = max(other, key=lambda f: iou(a.box, f.box))
        ious.append(iou(a.box, b.box))
        labels.append(a.emotion.top_label == b.emotion.top_label)
        dp.extend(abs(x - y) for x, y in zip(a.emotion.probabilities, b.emotion.probabilities))
    return {"same_count": same_count, "ious": ious, "labels": labels, "dp": dp}


def measure(pipe) -> dict[str, dict]:
    """Per spec ("planes", "per pixel"): frames, frames whose face count differs, faces, faces
    whose top label differs, min and mean IoU, max and mean |Δp|."""
    acc = {k: {"frames": 0, "count_diff": 0, "faces": 0, "label_diff": 0, "ious": [], "dp": []}
           for k in ("planes", "per pixel")}
    for name, photo in photos().items():
        base = pipe(photo)
        for layout, rotation, mirrored, full in variants():
            frame = frames.from_rgb(photo, layout, rotation, mirrored, full)
            upright = frame.rgb()  # the old spec: every tap converted, then resampled
            for key, faces in (("planes", pipe(frame)), ("per pixel", pipe(upright))):
                r, a = compare(base, faces), acc[key]
                a["frames"] += 1
                a["count_diff"] += not r["same_count"]
                a["faces"] += len(r["labels"])
                a["label_diff"] += r["labels"].count(False)
                a["ious"] += r["ious"]
                a["dp"] += r["dp"]
    return acc


def table(acc: dict) -> str:
    rows = ["| spec | frames | face count differs | faces | top label differs | IoU min / mean | |Δp| max / mean |",
            "|---|---:|---:|---:|---:|---|---|"]
    for key, a in acc.items():
        ious, dp = np.asarray(a["ious"]), np.asarray(a["dp"])
        rows.append(f"| {key} | {a['frames']} | {a['count_diff']} | {a['faces']} | {a['label_diff']} | "
                    f"{ious.min():.4f} / {ious.mean():.4f} | {dp.max():.4f} / {dp.mean():.5f} |")
    return "\n".join(rows)


def main() -> int:
    pipe = preparation.build_pipeline(preparation.prepare())
    print(table(measure(pipe)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
