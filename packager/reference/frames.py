"""Camera frames as the cameras deliver them, defined exactly.

A frame is a sensor buffer (one or three planes, each with its own row stride and pixel stride)
plus the turn that makes it upright.  Every step of the pipeline reads the *upright* image, and
boxes and keypoints are in its coordinates.  Its pixel ``(x, y)`` is the buffer pixel
``buffer_xy(x, y)``: the Kotlin and Swift cores evaluate the mapping only at the pixels the
resampler reads (``packager.reference.resample``: at most 16 per output sample), never over the
whole frame.  ``resample`` below is how every stage samples a frame.

**Formats** (``Frame.format``):

* ``argb`` — Android ``Bitmap.getPixels``: one 32-bit int per pixel, ``0xAARRGGBB``; row stride
  in pixels.  Alpha is ignored.
* ``rgba`` — bytes R, G, B, A (CoreGraphics); row stride in bytes, pixel stride 4.
* ``bgra`` — iOS ``kCVPixelFormatType_32BGRA``: bytes B, G, R, A; row stride (bytes per row) in
  bytes, often padded beyond 4 · width.
* ``yuv`` — 4:2:0 YUV in three planes Y, U (Cb), V (Cr), each with a row stride and a pixel
  stride in bytes (Y's pixel stride is 1).  This one definition covers Android's
  ``YUV_420_888`` (``Image.getPlanes()``: I420 with U/V pixel stride 1, NV21/NV12 with pixel
  stride 2, U and V then being views one byte apart into one interleaved plane) and iOS's
  bi-planar ``420YpCbCr8BiPlanarFullRange`` ("420f") and ``…VideoRange`` ("420v"), whose second
  plane is Cb Cr interleaved: U = plane 1, V = plane 1 + 1 byte, pixel stride 2.

**Chroma siting**: buffer pixel ``(bx, by)`` takes the chroma sample ``(bx >> 1, by >> 1)``
(nearest; the 2×2 block of luma samples shares one chroma sample, no interpolation).

**YUV → RGB** (BT.601, integers only, so every language computes the same bytes).  With
``u = U − 128``, ``v = V − 128`` and ``>>`` the arithmetic (flooring) shift::

    full range (Android camera, iOS 420f; JFIF):
        R = clamp((Y · 65536 + 91881 · v + 32768) >> 16)
        G = clamp((Y · 65536 − 22554 · u − 46802 · v + 32768) >> 16)
        B = clamp((Y · 65536 + 116130 · u + 32768) >> 16)
    video range (iOS 420v; Y in 16..235, U and V in 16..240):
        R = clamp(((Y − 16) · 76309 + 104597 · v + 32768) >> 16)
        G = clamp(((Y − 16) · 76309 − 25675 · u − 53279 · v + 32768) >> 16)
        B = clamp(((Y − 16) · 76309 + 132201 · u + 32768) >> 16)

with ``clamp`` to 0..255.  The constants are the BT.601 coefficients (1.402, 0.344136, 0.714136,
1.772; video range scaled by 255/219 for Y and 255/224 for chroma) times 2^16, rounded.  This is
the colour of one pixel (``Frame.rgb``: the ``nearest`` and ``antialias`` resamplers and whoever
wants the upright image).

**Resampling a YUV frame** (``bilinear``, every recipe's default): BT.601 is affine, so the
planes are resampled first and converted once per output value.  The upright image's Y, U and V
(U, V: the pixel's chroma sample, as sited above) are resampled as three channels by
``resample.bilinear_sums`` — the same taps and integer weights as an RGB image — giving per
output sample the sums ``SY, SU, SV`` over its taps inside the image and their weight ``W``
(``T`` is the sample's whole weight, ``s_x · s_y · 2^22``).  Then, with the coefficients above
and no rounding::

    L = (SY − offset · W) · Yscale,   u = SU − 128 · W,   v = SV − 128 · W
    R' = L + rv · v,   G' = L − gu · u − gv · v,   B' = L + bu · u          (int64)
    value = (clamp(X', 0, 255 · W · 2^16) + fill · (T − W) · 2^16) / (T · 2^16)    per channel

i.e. the conversion of the weighted mean Y, U, V of the taps inside the image, clamped to
0..255, mixed with the fill.  Every integer stays below 2^51 and the divisor is a power of two,
so each value is an exact float64 and every language computes the same bits.  It differs from
"convert every tap, then resample" only by the per-pixel rounding (±0.5) and clamps, which the
conversion of the mean does not see: a sample across a saturated edge is clamped once, on the
mean (docs/DESIGN.md "Camera frames" measures what it changes: nothing in faces or labels).
The cost of a YUV frame is then that of an RGB one: three channels per tap, one conversion per
output value instead of one per tap (16 per sample on a downscale).

**Orientation**: ``rotation`` is how far the buffer must be turned clockwise to be upright
(Android ``ImageInfo.rotationDegrees``: 0, 90, 180 or 270), then ``mirrored`` flips the
upright image left to right (front cameras).  iOS ``CGImagePropertyOrientation`` values map to
(rotation, mirrored) by ``ORIENTATIONS``.  For a buffer of ``W × H`` pixels the upright image is
``W × H`` (0°, 180°) or ``H × W`` (90°, 270°), and its pixel ``(x, y)`` (after undoing the mirror,
``x → W' − 1 − x``) is the buffer pixel::

      0°: (x, y)      90°: (y, H − 1 − x)      180°: (W − 1 − x, H − 1 − y)      270°: (W − 1 − y, x)

**Mirrored frames keep the subject's own keypoint names**: the detector reads the upright image,
which for a mirrored frame is a mirror image, so its left/right keypoint pairs are swapped back
(``packager.reference.detect.subject_keypoints``); boxes and keypoints stay in the upright
image's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from packager.reference import resample as _resample

FORMATS = ("argb", "rgba", "bgra", "yuv")
ROTATIONS = (0, 90, 180, 270)

#: iOS CGImagePropertyOrientation (raw value, also EXIF's) → (rotation, mirrored).
ORIENTATIONS = {1: (0, False), 2: (0, True), 3: (180, False), 4: (180, True),
                5: (90, True), 6: (90, False), 7: (270, True), 8: (270, False)}

#: (Y scale, v→R, u→G, v→G, u→B) in 2^-16, and the Y offset, per range (module docstring).
YUV_COEFFICIENTS = {True: (65536, 91881, 22554, 46802, 116130, 0),
                    False: (76309, 104597, 25675, 53279, 132201, 16)}


@dataclass(frozen=True)
class Plane:
    """One plane of a buffer: its bytes (for ``argb``: 32-bit ints), row stride and pixel stride
    in elements of ``data``."""

    data: np.ndarray
    row_stride: int
    pixel_stride: int = 1


@dataclass(frozen=True)
class Frame:
    """A camera buffer and its orientation (module docstring).

    Attributes:
        format: one of ``FORMATS``.
        width, height: buffer size in pixels (before rotation).
        planes: one plane (``argb``, ``rgba``, ``bgra``) or three (``yuv``: Y, U, V).
        rotation: clockwise degrees that make the buffer upright.
        mirrored: flip the upright image left to right.
        full_range: ``yuv`` only: full (JFIF) or video range.
    """

    format: str
    width: int
    height: int
    planes: tuple[Plane, ...]
    rotation: int = 0
    mirrored: bool = False
    full_range: bool = True

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ValueError(f"unknown frame format {self.format!r}; choose one of: {', '.join(FORMATS)}")
        if self.rotation not in ROTATIONS:
            raise ValueError(f"rotation {self.rotation}: choose one of {ROTATIONS}")
        if self.width <= 0 or self.height <= 0:
            raise ValueError("frame has zero size")
        if len(self.planes) != (3 if self.format == "yuv" else 1):
            raise ValueError(f"a {self.format} frame has {3 if self.format == 'yuv' else 1} plane(s)")

    @property
    def upright_size(self) -> tuple[int, int]:
        """(width, height) of the upright image."""
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)

    def buffer_xy(self, x, y):
        """Buffer pixel of upright pixel ``(x, y)`` (integers or integer arrays)."""
        uw, _ = self.upright_size
        if self.mirrored:
            x = uw - 1 - x
        w, h = self.width, self.height
        if self.rotation == 0:
            return x, y
        if self.rotation == 90:
            return y, h - 1 - x
        if self.rotation == 180:
            return w - 1 - x, h - 1 - y
        return w - 1 - y, x

    def buffer_rgb(self, bx: np.ndarray, by: np.ndarray) -> np.ndarray:
        """RGB uint8 [..., 3] of buffer pixels ``(bx, by)`` by the format's definition."""
        p = self.planes[0]
        if self.format == "argb":
            v = p.data[by * p.row_stride + bx * p.pixel_stride].astype(np.int64)
            return np.stack([(v >> 16) & 255, (v >> 8) & 255, v & 255], axis=-1).astype(np.uint8)
        if self.format in ("rgba", "bgra"):
            at = by * p.row_stride + bx * p.pixel_stride
            order = (0, 1, 2) if self.format == "rgba" else (2, 1, 0)
            return np.stack([p.data[at + k] for k in order], axis=-1)
        y_, u_, v_ = self.planes
        luma = y_.data[by * y_.row_stride + bx * y_.pixel_stride].astype(np.int64)
        cx, cy = bx >> 1, by >> 1
        u = u_.data[cy * u_.row_stride + cx * u_.pixel_stride].astype(np.int64) - 128
        v = v_.data[cy * v_.row_stride + cx * v_.pixel_stride].astype(np.int64) - 128
        cy_, rv, gu, gv, bu, off = YUV_COEFFICIENTS[self.full_range]
        base = (luma - off) * cy_ + 32768
        rgb = [(base + rv * v) >> 16, (base - gu * u - gv * v) >> 16, (base + bu * u) >> 16]
        return np.clip(np.stack(rgb, axis=-1), 0, 255).astype(np.uint8)

    def yuv(self) -> np.ndarray:
        """The upright image's Y, U, V, H' × W' × 3 uint8: each pixel's luma and its chroma
        sample (``yuv`` frames only)."""
        uw, uh = self.upright_size
        y, x = np.mgrid[0:uh, 0:uw]
        bx, by = self.buffer_xy(x, y)
        y_, u_, v_ = self.planes
        cx, cy = bx >> 1, by >> 1
        return np.stack([y_.data[by * y_.row_stride + bx * y_.pixel_stride],
                         u_.data[cy * u_.row_stride + cx * u_.pixel_stride],
                         v_.data[cy * v_.row_stride + cx * v_.pixel_stride]], axis=-1)

    def rgb(self) -> np.ndarray:
        """The upright image, H' × W' × 3 uint8: every pixel by the definitions above."""
        uw, uh = self.upright_size
        y, x = np.mgrid[0:uh, 0:uw]
        bx, by = self.buffer_xy(x, y)
        return self.buffer_rgb(bx, by)


def upright(image: "np.ndarray | Frame") -> tuple[np.ndarray, bool]:
    """(upright RGB image H' × W' × 3 uint8, whether it is a mirror image) of a frame, or of an
    RGB image (never mirrored)."""
    if isinstance(image, Frame):
        return image.rgb(), image.mirrored
    return image, False


def size(image: "np.ndarray | Frame") -> tuple[int, int]:
    """(width, height) of the upright image of a frame or of an RGB image."""
    return image.upright_size if isinstance(image, Frame) else (image.shape[1], image.shape[0])


def resample(image: "np.ndarray | Frame", rect, out_w: int, out_h: int, method: str, fill: float) -> np.ndarray:
    """``rect`` of the upright image of a frame (or of an RGB image) resampled onto
    out_h × out_w × 3 float64 R, G, B values (``packager.reference.resample``): a YUV frame under
    ``bilinear`` by its planes, converted once per output value (module docstring), anything
    else through its upright RGB image."""
    if not (isinstance(image, Frame) and image.format == "yuv" and method == "bilinear"):
        return _resample.resample(upright(image)[0], rect, out_w, out_h, method, fill)
    if fill != int(fill) or not 0 <= fill <= 255:
        raise ValueError("bilinear resampling takes uint8 pixels and an integer fill 0..255")
    sums, inside, total = _resample.bilinear_sums(image.yuv(), rect, out_w, out_h)
    yscale, rv, gu, gv, bu, offset = YUV_COEFFICIENTS[image.full_range]
    luma = (sums[..., 0] - offset * inside) * yscale
    u, v = sums[..., 1] - 128 * inside, sums[..., 2] - 128 * inside
    rgb = np.stack([luma + rv * v, luma - gu * u - gv * v, luma + bu * u], axis=-1)
    top = (255 * inside << 16)[..., None]
    filled = (int(fill) * (total - inside) << 16)[..., None]
    return (np.clip(rgb, 0, top) + filled) / float(total << 16)


# --- making frames from photos (parity cases, tests, the bench) ------------------------------

#: Bytes that fill row padding: a core that reads them shows in every tensor.
PAD = 0xA5


def _pad_rows(rows: np.ndarray, stride: int) -> np.ndarray:
    """[H, n] → flat array of H rows of ``stride`` elements (padding ``PAD``)."""
    h, n = rows.shape
    out = np.full((h, stride), PAD, dtype=rows.dtype)
    out[:, :n] = rows
    return out.reshape(-1)


def _to_buffer(upright: np.ndarray, rotation: int, mirrored: bool) -> np.ndarray:
    """The buffer a camera with this orientation delivers for the upright image."""
    img = upright[:, ::-1] if mirrored else upright
    return np.ascontiguousarray(np.rot90(img, k=rotation // 90))  # counter-clockwise: undoes the turn


def _yuv_of(rgb: np.ndarray, full_range: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BT.601 RGB → full-resolution Y and 2×2-averaged U, V (uint8), as an encoder might."""
    f = rgb.astype(np.float64)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u, v = (b - y) / 1.772, (r - y) / 1.402
    if not full_range:
        y, u, v = 16 + y * 219 / 255, u * 224 / 255, v * 224 / 255
    h, w = y.shape
    hp, wp = h + h % 2, w + w % 2
    u = np.pad(u, ((0, hp - h), (0, wp - w)), mode="edge").reshape(hp // 2, 2, wp // 2, 2).mean(axis=(1, 3))
    v = np.pad(v, ((0, hp - h), (0, wp - w)), mode="edge").reshape(hp // 2, 2, wp // 2, 2).mean(axis=(1, 3))

    def q(a):
        return np.clip(np.rint(a), 0, 255).astype(np.uint8)

    return q(y), q(u + 128), q(v + 128)


def from_rgb(upright: np.ndarray, layout: str, rotation: int = 0, mirrored: bool = False,
             full_range: bool = True, pad: int = 24) -> Frame:
    """The frame a camera would deliver for an upright RGB photo, rows padded by ``pad`` bytes
    (``pad`` ints for ``argb``).  ``layout``: ``argb``, ``rgba``, ``bgra``, or a YUV layout —
    ``i420`` (three planes, pixel stride 1), ``nv12`` (U V interleaved, iOS 420f/420v and
    Android's U-first semi-planar) or ``nv21`` (V U interleaved, Android's usual camera layout)."""
    buf = _to_buffer(upright, rotation, mirrored)
    h, w = buf.shape[:2]
    if layout == "argb":
        a = buf.astype(np.uint32)
        ints = (0xFF << 24 | a[..., 0] << 16 | a[..., 1] << 8 | a[..., 2]).view(np.int32)
        return Frame("argb", w, h, (Plane(_pad_rows(ints, w + pad), w + pad),), rotation, mirrored)
    if layout in ("rgba", "bgra"):
        order = [0, 1, 2] if layout == "rgba" else [2, 1, 0]
        px = np.concatenate([buf[..., order], np.full((h, w, 1), 255, np.uint8)], axis=-1)
        return Frame(layout, w, h, (Plane(_pad_rows(px.reshape(h, 4 * w), 4 * w + pad), 4 * w + pad, 4),),
                     rotation, mirrored)
    y, u, v = _yuv_of(buf, full_range)
    cw = u.shape[1]
    luma = Plane(_pad_rows(y, w + pad), w + pad)
    if layout == "i420":
        chroma = (Plane(_pad_rows(u, cw + pad), cw + pad), Plane(_pad_rows(v, cw + pad), cw + pad))
    elif layout in ("nv12", "nv21"):
        first, second = (u, v) if layout == "nv12" else (v, u)
        inter = _pad_rows(np.stack([first, second], axis=-1).reshape(u.shape[0], 2 * cw), 2 * cw + pad)
        a, b = Plane(inter, 2 * cw + pad, 2), Plane(inter[1:], 2 * cw + pad, 2)
        chroma = (a, b) if layout == "nv12" else (b, a)
    else:
        raise ValueError(f"unknown frame layout {layout!r}; choose one of: {', '.join(LAYOUTS)}")
    return Frame("yuv", w, h, (luma, *chroma), rotation, mirrored, full_range)


LAYOUTS = ("argb", "rgba", "bgra", "i420", "nv12", "nv21")
