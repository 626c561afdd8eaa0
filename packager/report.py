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


def csv_header(labels: tuple[str, ...]) -> list[str]:
    """Columns of ``--csv``: one row per face per analysed frame (images: frame, time and track
    empty); a frame without a face is one row with only file, frame and time."""
    return (["file", "frame", "time", "track", "x", "y", "width", "height", "score", "label", "smoothed_label"]
            + list(labels) + [f"smoothed_{l}" for l in labels])


def csv_row(file: str, frame, t, face, track=None, smoothed=None, labels: tuple[str, ...] = ()) -> list:
    """One ``--csv`` row; ``face`` None for a frame without faces.  Numbers as Python prints
    them (shortest round-trip form)."""
    head = [file, "" if frame is None else frame, "" if t is None else t]
    if face is None:
        return head + [""] * (len(csv_header(labels)) - 3)
    x0, y0, x1, y1 = face.box
    e = face.emotion
    probs = list(e.probabilities) if e is not None else [""] * len(labels)
    smooth = list(smoothed.probabilities) if smoothed is not None else [""] * len(labels)
    return head + ["" if track is None else track, x0, y0, x1 - x0, y1 - y0, face.score,
                   e.top_label if e is not None else "", smoothed.top_label if smoothed is not None else "",
                   *probs, *smooth]


#: Label text height as a fraction of the picture's shorter side, and its floor in pixels.  4.5 %
#: of a 1080p frame is 49 px: about 10 CSS px when a phone shows the frame 360 px wide, 28 px on
#: a laptop's 1280 px; a small frame still gets 14 px, legible once it is scaled up.
LABEL_HEIGHT, LABEL_MIN_PX = 0.045, 14


def label_font(width: int, height: int):
    """The label font for a picture of this size: Pillow's own TrueType face (Aileron, built into
    Pillow ≥ 10.1 with FreeType, which every Pillow wheel has), so nothing depends on the fonts
    a machine happens to have."""
    from PIL import ImageFont

    return ImageFont.load_default(size=max(LABEL_MIN_PX, round(LABEL_HEIGHT * min(width, height))))


def draw_label(draw, font, box, text: str, colour) -> None:
    """``text`` in white on a filled ``colour`` band just above ``box`` (inside its top edge when
    there is no room above), kept within the picture."""
    width, height = draw.im.size
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    pad = max(2, (y1 - y0) // 5)
    tw, th = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    left = min(max(0, round(box[0])), max(0, width - tw))
    top = round(box[1]) - th if box[1] - th >= 0 else max(0, round(box[1]))
    top = min(top, max(0, height - th))
    draw.rectangle((left, top, left + tw - 1, top + th - 1), fill=colour)
    draw.text((left + pad - x0, top + pad - y0), text, font=font, fill=(255, 255, 255))


def annotate(rgb: np.ndarray, faces, labels: list[str] | None = None) -> "Image.Image":  # noqa: F821
    """The image with each face's box, keypoints and label drawn on it: ``labels[i]`` or, by
    default, the top emotion and its probability (the score without an emotion)."""
    from PIL import Image, ImageDraw

    img = Image.fromarray(rgb)
    draw = ImageDraw.Draw(img)
    line = max(1, round(min(img.size) / 256))
    font = label_font(*img.size)
    green = (0, 160, 0)
    for i, f in enumerate(faces):
        draw.rectangle(f.box, outline=(0, 255, 0), width=line)
        r = 2 * line
        for x, y in f.keypoints:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 0, 0))
        if labels is not None:
            label = labels[i]
        elif f.emotion is not None:
            label = f"{f.emotion.top_label} {f.emotion.top_probability:.0%}"
        else:
            label = f"{f.score:.2f}"
        draw_label(draw, font, f.box, label, green)
    return img
