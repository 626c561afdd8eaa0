"""Image files → RGB uint8 arrays, with every failure turned into one clear message (the
reference pipeline itself reads no files: it takes the arrays)."""

from __future__ import annotations

import os
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from packager.errors import PackagerError

#: Largest image decoded, in pixels (≈ 8K × 8K).  Larger files are refused as likely
#: decompression bombs instead of being allowed to exhaust memory.
MAX_PIXELS = 64_000_000


def to_rgb(img: Image.Image) -> Image.Image:
    """Any Pillow mode → RGB: 16-bit and float images are scaled to 8 bits (a float image whose
    values all lie in 0..1 is read as 0..1 — the float convention — not as nearly black 0..255;
    the scale is judged on the finite pixels, and NaN pixels, a float TIFF's no-data rows, are
    black, +Inf white, −Inf black: a few NaN rows no longer turn the whole image black),
    alpha is composited over black (what the pixels look like once the transparent parts are
    dropped), palettes are expanded."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(img, dtype=np.float64)
        finite = a[np.isfinite(a)]
        if img.mode == "F" and finite.size and 0.0 <= finite.min() and finite.max() <= 1.0:
            top = 1.0
        else:
            top = 65535.0 if img.mode.startswith("I;16") or (finite.size and finite.max() > 255) else 255.0
        a = np.nan_to_num(a, nan=0.0, posinf=top, neginf=0.0)
        img = Image.fromarray(np.clip(np.rint(a * (255.0 / top)), 0, 255).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        black = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        img = Image.alpha_composite(black, rgba)
    return img.convert("RGB")


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as H×W×3 uint8 RGB, EXIF orientation applied."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise PackagerError(f"image not found: {path}")
    if os.path.getsize(path) == 0:
        raise PackagerError(f"image file is empty: {path}")
    try:
        with warnings.catch_warnings():
            # Pillow's warnings are not the user's business on success ("Corrupt EXIF data": the
            # orientation is then left as stored); a decompression bomb is, and is refused below.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise PackagerError(
                        f"image too large to decode safely: {path} is {img.width}×{img.height} "
                        f"(limit {MAX_PIXELS:,} pixels); downscale it first"
                    )
                img.load()
                img = ImageOps.exif_transpose(img)
                return np.asarray(to_rgb(img), dtype=np.uint8).copy()
    except PackagerError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise PackagerError(f"image too large to decode safely: {path} ({e})") from None
    except PermissionError as e:
        raise PackagerError(f"cannot read image {path}: {e.strerror}") from None
    except UnidentifiedImageError:
        raise PackagerError(f"not an image Pillow can read: {path}") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise PackagerError(f"cannot decode image {path}: {e}; is the file truncated?") from None
