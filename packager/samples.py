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
    """Nearest-neighbour upscale of a small image to size×size (pixel replication)."""
    h, w = rgb.shape[:2]
    ys = (np.arange(size) * h) // size
    xs = (np.arange(size) * w) // size
    return rgb[ys][:, xs]
