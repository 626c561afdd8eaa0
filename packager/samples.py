"""Real photos shipped inside scikit-image: the astronaut (one smiling face) and the LFW subset
(100 faces, 100 non-faces, 25×25 gray).  Used for conversion checks, sample inputs, calibration
and tests; nothing is downloaded."""

from __future__ import annotations

import numpy as np


def astronaut() -> np.ndarray:
    """512×512 RGB uint8, one face (Eileen Collins, smiling)."""
    from skimage import data

    return data.astronaut()


def lfw(faces: bool = True) -> np.ndarray:
    """The 100 LFW face crops (or the 100 non-face patches) as [100, 25, 25, 3] RGB uint8."""
    from skimage import data

    imgs = data.lfw_subset()[:100] if faces else data.lfw_subset()[100:]
    gray = np.rint(imgs * 255.0).astype(np.uint8)
    return np.repeat(gray[..., None], 3, axis=-1)


def upscale(rgb: np.ndarray, size: int) -> np.ndarray:
    """Smooth (bicubic, Pillow) upscale of a small image to size×size."""
    from PIL import Image

    return np.asarray(Image.fromarray(rgb).resize((size, size), Image.Resampling.BICUBIC))


def face_patch() -> np.ndarray:
    """The astronaut's head and shoulders, 200×200 (the face fills about half of it)."""
    return astronaut()[40:240, 125:325]


def two_faces() -> np.ndarray:
    """A composed 400×200 image: the astronaut's face patch and its mirror image side by side."""
    patch = face_patch()
    return np.concatenate([patch, patch[:, ::-1]], axis=1)


def group(face_widths: tuple[float, ...], width: int = 1000, height: int = 667) -> tuple[np.ndarray, list[tuple]]:
    """A composed group photo: the coffee photo stretched as background and, left to right, one
    head-and-shoulders patch of the astronaut per entry of ``face_widths`` (the face's width as a
    fraction of the frame width; the patch is twice as wide), alternately as is, mirrored and in
    gray, at heights that vary along the row.  Returns (rgb, patch rectangles (x0, y0, x1, y1)):
    a person sees exactly one face in each rectangle and none elsewhere."""
    from PIL import Image

    frame = Image.fromarray(no_face()).resize((width, height), Image.Resampling.BILINEAR)
    patch = face_patch()
    looks = (patch, patch[:, ::-1])
    rects, x = [], 10
    for i, w in enumerate(face_widths):
        side = int(round(2 * w * width))
        if x + side > width or side > height:
            raise ValueError(f"faces {face_widths} do not fit a {width}x{height} frame")
        y = (height - side) * (i % 3) // 2
        frame.paste(Image.fromarray(looks[i % 2]).resize((side, side), Image.Resampling.LANCZOS), (x, y))
        rects.append((x, y, x + side, y + side))
        x += side + 10
    return np.asarray(frame), rects


def no_face() -> np.ndarray:
    """A real photo without a face: scikit-image's coffee cup (400×600)."""
    from skimage import data

    return data.coffee()


def portrait() -> np.ndarray:
    """A non-square portrait (512×300 h×w) cut from the astronaut photo around her face."""
    return astronaut()[:, 80:380]


def landscape() -> np.ndarray:
    """A non-square landscape (240×420 h×w) cut from the astronaut photo around her face."""
    return astronaut()[20:260, 20:440]


def parity_images() -> dict[str, np.ndarray]:
    """The real images every language's parity suite runs on."""
    lfw_faces = lfw(True)
    return {
        "astronaut": astronaut(),
        "lfw0": upscale(lfw_faces[0], 128),
        "lfw1": upscale(lfw_faces[1], 128),
        "lfw7": upscale(lfw_faces[7], 160),
        "two_faces": two_faces(),
        "no_face": no_face(),
        "portrait": portrait(),
        "landscape": landscape(),
    }
