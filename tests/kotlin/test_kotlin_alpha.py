"""A Bitmap with transparency reaches the Kotlin core as the reference reads the same image file:
composited over black (``packager.imagefiles.to_rgb``), not with its alpha dropped. The Kotlin
rule (``compositeOverBlack``, applied by ImageAdapters.kt to non-premultiplied
``Bitmap.getPixels`` values) is run on every (channel, alpha) pair."""

from __future__ import annotations

import numpy as np
from PIL import Image

from packager.imagefiles import to_rgb
from packager.parity import kotlin_harness


def test_composite_over_black_matches_the_reference_on_every_value(kotlin_classes):
    c, a = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    rgba = np.stack([c, 255 - c, (c * 37) % 256, a], -1).astype(np.uint8)
    argb = (rgba[..., 3].astype(np.uint32) << 24 | rgba[..., 0].astype(np.uint32) << 16
            | rgba[..., 1].astype(np.uint32) << 8 | rgba[..., 2].astype(np.uint32))
    out = kotlin_harness.composite_over_black(argb)
    want = np.asarray(to_rgb(Image.fromarray(rgba, "RGBA")))
    got = np.stack([(out >> 16) & 255, (out >> 8) & 255, out & 255], -1).astype(np.uint8)
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]
    assert ((out >> 24) == 255).all()
    assert np.array_equal(out[:, 255], argb[:, 255])  # opaque pixels are left alone
    assert (got[:, 0] == 0).all()  # fully transparent pixels are black, whatever their colour
