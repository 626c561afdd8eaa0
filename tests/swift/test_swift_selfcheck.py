"""The Swift self-check core on files numpy writes: ``Npy`` reads what ``numpy.save`` writes
(the build's self-check samples), writes the same bytes back, refuses every other layout with
one clear line, and ``scaledDiff`` equals ``packager.difference.scaled_diff`` on the same
arrays (harness ``--npy`` mode)."""

from __future__ import annotations

import io

import numpy as np
import pytest

from packager.difference import scaled_diff
from packager.parity import swift_harness


def _npy(a: np.ndarray, version=None) -> bytes:
    buf = io.BytesIO()
    if version is None:
        np.save(buf, a, allow_pickle=False)
    else:
        np.lib.format.write_array(buf, a, version=version, allow_pickle=False)
    return buf.getvalue()


def _good_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    return {
        "scalar": np.array(1.5, np.float32),
        "vector": rng.standard_normal(3).astype(np.float32),
        "regressors": (rng.standard_normal((1, 896, 16)) * 150).astype(np.float32),
        "empty": np.zeros((2, 0), np.float32),
        "probabilities": rng.dirichlet(np.ones(7)).astype(np.float32).reshape(1, 7),
        "specials": np.array([0.0, -0.0, 1e-45, 3.4028235e38, -np.inf, np.nan], np.float32),
    }


def _pairs() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(12)
    expected = (rng.standard_normal((1, 896, 16)) * 150).astype(np.float32)
    small = rng.dirichlet(np.ones(7)).astype(np.float32).reshape(1, 7)
    noisy = (expected + rng.standard_normal(expected.shape).astype(np.float32) * 0.01).astype(np.float32)
    with_nan = small.copy()
    with_nan[0, 3] = np.nan
    with_inf = small.copy()
    with_inf[0, 0] = np.inf
    return {
        "same": (expected, expected),
        "regressors": (noisy, expected),
        "probabilities": ((small + np.float32(1e-4)).astype(np.float32), small),
        "nan_in_actual": (with_nan, small),
        "inf_in_expected": (small, with_inf),
        "empty": (np.zeros((1, 0), np.float32), np.zeros((1, 0), np.float32)),
    }


@pytest.fixture(scope="module")
def npy_run(swift_binary):
    good = {f"{name}.npy": _npy(a) for name, a in _good_arrays().items()}
    good["version2.npy"] = _npy(np.arange(6, dtype=np.float32).reshape(2, 3), version=(2, 0))
    bad = {
        "float64.npy": _npy(np.zeros(3)),
        "int32.npy": _npy(np.zeros(3, np.int32)),
        "big_endian.npy": _npy(np.zeros(3, ">f4")),
        "fortran.npy": _npy(np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))),
        "truncated.npy": _npy(np.zeros((4, 4), np.float32))[:-5],
        "too_long.npy": _npy(np.zeros(3, np.float32)) + b"\0\0\0\0",
        "not_npy.npy": b"PK\x03\x04 a zip file",
    }
    pairs = {}
    for name, (actual, expected) in _pairs().items():
        pairs[f"{name}.actual.npy"] = _npy(actual)
        pairs[f"{name}.expected.npy"] = _npy(expected)
    results, written = swift_harness.npy_check({**good, **bad, **pairs})
    return good, bad, results, written


def test_reads_what_numpy_writes_and_writes_the_same_bytes(npy_run):
    good, _, results, written = npy_run
    for file, data in good.items():
        assert "shape" in results["files"][file], results["files"][file]
        array = np.load(io.BytesIO(data))
        assert results["files"][file]["shape"] == list(array.shape), file
        # written back as numpy.save writes it (format 1.0), values bit for bit
        assert written[file] == _npy(array), file


@pytest.mark.parametrize("file, words", [
    ("float64.npy", "<f8"), ("int32.npy", "<i4"), ("big_endian.npy", "big-endian"), ("fortran.npy", "Fortran order"),
    ("truncated.npy", "truncated"), ("too_long.npy", "too long"), ("not_npy.npy", "not a .npy file")])
def test_refuses_every_other_layout_in_one_line(npy_run, file, words):
    _, _, results, written = npy_run
    error = results["files"][file]["error"]
    assert words in error and file in error and "\n" not in error, error
    assert error.startswith("invalid file: ")
    assert file not in written


def test_scaled_diff_is_the_reference_measure(npy_run):
    _, _, results, _ = npy_run
    for name, (actual, expected) in _pairs().items():
        want = scaled_diff({"out": actual}, {"out": expected})
        got = results["pairs"][name]["scaled_diff"]
        assert got == want, (name, got, want)  # same float64 arithmetic: equal, not close
    assert results["pairs"]["nan_in_actual"]["scaled_diff"] == float("inf")
    assert 0 < results["pairs"]["regressors"]["scaled_diff"] < 1e-3
