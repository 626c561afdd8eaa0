"""Faces → text for a person, JSON for a machine, and an annotated picture."""

from __future__ import annotations

import numpy as np

from packager.recipes import DetectorRecipe


def face_dict(face, detector: DetectorRecipe) -> dict:
    """One face of ``packager run --json``: box and keypoints in pixels, and normalized to the
    image (``normalized_box``, ``normalized_keypoints``: x / width, y / height); keypoints by
    name, left/right the subject's own."""
    def box(b):
        x0, y0, x1, y1 = b
        return {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}

    def named(points):
        return {n: {"x": x, "y": y} for n, (x, y) in zip(detector.keypoint_names, points)}

    out = {
        "box": box(face.box),
        "score": face.score,
        "keypoints": named(face.keypoints),
        "normalized_box": box(face.normalized_box),
        "normalized_keypoints": named(face.normalized_keypoints),
    }
    if face.emotion is not None:
        out["emotion"] = {
            "label": face.emotion.top_label,
            "probabilities": dict(zip(face.emotion.labels, face.emotion.probabilities)),
        }
    return out


def text(path: str, faces, detector: DetectorRecipe) -> str:
    lines = [f"{path}: {len(faces)} face{'s' if len(faces) != 1 else ''}"]
    for i, f in enumerate(faces, 1):
        x0, y0, x1, y1 = f.box
        head = f"  face {i}: box x={x0:.0f} y={y0:.0f} w={x1 - x0:.0f} h={y1 - y0:.0f}  score {f.score:.3f}"
        if f.emotion is not None:
            head += f"  {f.emotion.top_label} ({f.emotion.top_probability:.1%})"
        lines.append(head)
        lines.append("    " + "  ".join(f"{n} ({x:.1f}, {y:.1f})" for n, (x, y) in zip(detector.keypoint_names, f.keypoints)))
        if f.emotion is not None:
            lines.append("    " + "  ".join(f"{l} {p:.3f}" for l, p in zip(f.emotion.labels, f.emotion.probabilities)))
    return "\n".join(lines)


def annotate(rgb: np.ndarray, faces) -> "Image.Image":  # noqa: F821
    """The image with each face's box, keypoints and top emotion drawn on it."""
    from PIL import Image, ImageDraw

    img = Image.fromarray(rgb)
    draw = ImageDraw.Draw(img)
    line = max(1, round(min(img.size) / 256))
    for f in faces:
        draw.rectangle(f.box, outline=(0, 255, 0), width=line)
        r = 2 * line
        for x, y in f.keypoints:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 0, 0))
        label = f"{f.score:.2f}"
        if f.emotion is not None:
            label = f"{f.emotion.top_label} {f.emotion.top_probability:.0%}"
        draw.text((f.box[0], max(0, f.box[1] - 12)), label, fill=(0, 255, 0))
    return img
