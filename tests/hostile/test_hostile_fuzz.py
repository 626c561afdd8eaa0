"""A small seeded fuzz (slow lane): random 1–6-byte mutations of a small valid TFLite, ONNX, NPY
and image file, each read the way the commands read it.  Every one must end as a result or a
``PackagerError`` (one line on the command line): no other exception (a traceback) and no signal
death (the untrusted model files are read in ``packager.isolated``'s child; a crash there is a
``PackagerError``, and this process staying alive is the proof for the rest).

Mutations are seeded (``random.Random(seed)``), so a failure names a reproducible file."""

from __future__ import annotations

import io
import random
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import hostile_models as hm
from packager import feeds, isolated, preparation
from packager.errors import PackagerError
from packager.imagefiles import load_image
from test_hostile_model_files import mutate, tiny_tflite  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow

COUNTS = {"npy": 100, "jpeg": 50, "tiff": 50, "onnx": 100, "tflite": 60}


def _fuzz(src: bytes, suffix: str, folder: Path, n: int, read) -> dict[str, int]:
    """``read(path)`` on ``n`` mutations of ``src``; returns outcome counts; raises on anything
    but a result or a ``PackagerError``, naming the seed."""
    outcomes = {"read": 0, "refused": 0, "crashed (one line)": 0}
    for seed in range(n):
        path = folder / f"seed{seed:03d}{suffix}"
        path.write_bytes(mutate(src, seed))
        try:
            read(str(path))
            outcomes["read"] += 1
        except PackagerError as e:
            assert "\n" not in str(e), (seed, str(e))
            outcomes["crashed (one line)" if "crashed" in str(e) else "refused"] += 1
        except Exception as e:  # noqa: BLE001 — this is the failure being looked for
            raise AssertionError(f"seed {seed} ({path}): {type(e).__name__}: {e}") from e
    return outcomes


def _convert(cache: Path, child: isolated.Child):
    def read(path: str) -> None:
        specs = preparation.declared_inputs(path, child)
        samples, _ = feeds.make(specs, [], [])
        preparation.convert_any(path, samples, cache, child)
    return read


def test_fuzzed_inputs_end_as_results_or_one_line(tmp_path, tiny_tflite):  # noqa: F811
    start = time.monotonic()
    npy = io.BytesIO()
    np.save(npy, np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32))
    images = {}
    for fmt in ("JPEG", "TIFF"):  # no checksums (a PNG's CRC refuses every mutation before decoding)
        buf = io.BytesIO()
        Image.fromarray(np.random.default_rng(1).integers(0, 255, (24, 24, 3), dtype=np.uint8)).save(buf, fmt)
        images[fmt] = buf.getvalue()
    onnx_src = hm.tiny_onnx(tmp_path / "tiny.onnx").read_bytes()
    report = {}
    with isolated.Child() as child:
        for kind, src, suffix, read in (
            ("npy", npy.getvalue(), ".npy", lambda p: feeds.load_npy(p, "x")),
            ("jpeg", images["JPEG"], ".jpg", load_image),
            ("tiff", images["TIFF"], ".tif", load_image),
            ("onnx", onnx_src, ".onnx", _convert(tmp_path / "cache", child)),
            ("tflite", tiny_tflite.read_bytes(), ".tflite", _convert(tmp_path / "cache", child)),
        ):
            folder = tmp_path / kind
            folder.mkdir()
            report[kind] = _fuzz(src, suffix, folder, COUNTS[kind], read)
    took = time.monotonic() - start
    print(f"fuzz: {report} in {took:.0f} s")
    assert all(sum(r.values()) == COUNTS[k] for k, r in report.items())
    assert report["tflite"]["crashed (one line)"] > 0  # else the fuzz no longer reaches TFLite's loader
