"""The Kotlin self-check core (harness ``selfcheck`` mode): ``Npy`` reads what numpy.save writes
and writes the same bytes back, refuses every other .npy with a message that names the problem;
``scaledDiff`` equals ``packager.difference.scaled_diff``; ``TensorSpec.mismatch`` accepts the real
converted models' declared inputs and outputs and names a difference; the sample names are
``packager.layout.file_safe``'s."""

from __future__ import annotations

import io

import numpy as np
import pytest

from packager import difference, layout
from packager.parity import kotlin_harness

ARRAYS = {
    "regressors": np.random.default_rng(1).normal(0, 60, (1, 896, 16)).astype(np.float32),
    "probabilities": np.array([[0.1, 0.2, 0.05, 0.5, 0.05, 0.05, 0.05]], np.float32),
    "vector": np.arange(7, dtype=np.float32),
    "scalar": np.array(3.5, np.float32),
    "empty": np.zeros((0, 3), np.float32),
    "specials": np.array([np.nan, np.inf, -np.inf, -0.0, 1e-45, 3.4e38], np.float32),
    "image": np.random.default_rng(2).uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32),
}


def _save(path, array, version=None):
    if version is None:
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version)
    return str(path)


def _bad_files(d):
    good = io.BytesIO()
    np.save(good, ARRAYS["probabilities"])
    raw = good.getvalue()
    bad = {
        "float64": (_save(d / "f8.npy", ARRAYS["vector"].astype(np.float64)), "dtype '<f8'"),
        "int32": (_save(d / "i4.npy", np.arange(3, dtype=np.int32)), "dtype '<i4'"),
        "big-endian": (_save(d / "be.npy", ARRAYS["vector"].astype(">f4")), "big-endian"),
        "fortran": (_save(d / "fo.npy", np.asfortranarray(np.ones((2, 3), np.float32))), "Fortran order"),
        "truncated": (str(d / "tr.npy"), "truncated"),
        "truncated header": (str(d / "th.npy"), "truncated header"),
        "not npy": (str(d / "no.npy"), "not a .npy file"),
        "huge": (str(d / "huge.npy"), "is too big"),
    }
    (d / "tr.npy").write_bytes(raw[:-3])
    (d / "th.npy").write_bytes(raw[:20])
    (d / "no.npy").write_bytes(b"PK\x03\x04 not an array")
    huge = raw.replace(b"'shape': (1, 7), ", b"'shape': (65536, 65536,)")
    (d / "huge.npy").write_bytes(huge)
    return bad


@pytest.fixture(scope="module")
def result(kotlin_classes, tmp_path_factory):
    d = tmp_path_factory.mktemp("selfcheck")
    good = {name: _save(d / f"{name}.npy", a) for name, a in ARRAYS.items()}
    good["version 2.0"] = _save(d / "v2.npy", ARRAYS["probabilities"], version=(2, 0))
    bad = _bad_files(d)
    rng = np.random.default_rng(3)
    pairs = []
    for name, (a, b) in {
        "regressors": (ARRAYS["regressors"] + rng.normal(0, 1e-3, (1, 896, 16)).astype(np.float32), ARRAYS["regressors"]),
        "probabilities": (ARRAYS["probabilities"][::-1].copy(), ARRAYS["probabilities"]),
        "nan": (np.array([np.nan, 1], np.float32), np.ones(2, np.float32)),
        "inf expected": (np.ones(2, np.float32), np.array([np.inf, 1], np.float32)),
        "equal": (ARRAYS["image"], ARRAYS["image"]),
        "empty": (ARRAYS["empty"], ARRAYS["empty"]),
    }.items():
        pairs.append((name, a, b, [_save(d / f"{name}-a.npy", a), _save(d / f"{name}-b.npy", b)]))
    names = [("face_detection", "regressors"), ("m", "Plus692_Output_0"), ("m", "a/b:c d"), ("m", "")]
    jobs = {
        "npy": list(good.values()) + [path for path, _ in bad.values()],
        "diff": [files for *_, files in pairs],
        "signature": [],
        "files": [list(n) for n in names],
    }
    out = d / "out"
    return {"out": out, "good": good, "bad": bad, "pairs": pairs, "names": names,
            "result": kotlin_harness.self_checks(jobs, out)}


def test_npy_reads_what_numpy_writes_and_writes_the_same_bytes(result):
    good = result["good"]
    for i, (name, path) in enumerate(good.items()):
        read = result["result"]["npy"][i]
        expected = np.load(path)
        assert read == {"shape": list(expected.shape), "error": None}, name
        written = (result["out"] / f"npy{i}.npy").read_bytes()
        if name == "version 2.0":  # written back as 1.0, the same values
            assert np.array_equal(np.load(result["out"] / f"npy{i}.npy").view(np.uint32), expected.view(np.uint32))
        else:
            with open(path, "rb") as f:
                assert written == f.read(), name


def test_npy_refuses_other_files_with_a_clear_message(result):
    offset = len(result["good"])
    for i, (name, (path, words)) in enumerate(result["bad"].items()):
        read = result["result"]["npy"][offset + i]
        assert read["shape"] is None, name
        assert words in read["error"] and read["error"].startswith(path.rsplit("/", 1)[-1] + ":"), (name, read)


def test_scaled_diff_equals_the_python_measure(result):
    for (name, a, b, _), got in zip(result["pairs"], result["result"]["diff"]):
        want = difference.scaled_diff({"x": a}, {"x": b})
        assert got == want, (name, got, want)
    diffs = dict(zip([p[0] for p in result["pairs"]], result["result"]["diff"]))
    assert diffs["nan"] == diffs["inf expected"] == float("inf")
    assert diffs["equal"] == diffs["empty"] == 0.0
    assert 0 < diffs["regressors"] < 1e-4


def test_sample_names_are_the_contract(result):
    for (model, output), (inp, out) in zip(result["names"], result["result"]["files"]):
        assert inp == f"{model}.sample_input.npy"
        assert out == f"{model}.sample_output.{layout.file_safe(output)}.npy"


def _declared(path) -> dict:
    """The model's inputs and outputs as ONNX Runtime declares them (Java's TensorInfo: -1 for a
    free dimension; null for a tensor that is not float32)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])

    def shapes(args):
        return {a.name: [d if isinstance(d, int) else -1 for d in a.shape] if a.type == "tensor(float)" else None
                for a in args}

    return {"input": shapes(session.get_inputs()), "output": shapes(session.get_outputs())}


def test_every_recipe_declares_what_the_wrappers_expect(result, parity_prepared, tmp_path):
    """What ModelSession checks at open, on the real converted models (stand-ins for the
    user-supplied ones): no mismatch; and a model of another recipe is named precisely."""
    specs = result["result"]["specs"]
    models = {}
    for prepared in parity_prepared:
        for m in (prepared.detector, prepared.emotion):
            models[m.recipe.name] = m.onnx_path
    assert set(models) == set(specs)
    jobs = []
    for name, path in models.items():
        declared = _declared(path)
        for role in ("input", "output"):
            jobs.append({"model": name, "role": role, "declared": declared[role], "expected": specs[name][role + "s"]})
    # The emotion model's file given for the detector: named, with its real and expected names.
    wrong = _declared(models["fer-minixception"])["input"]
    jobs.append({"model": "face_detection", "role": "input", "declared": wrong,
                 "expected": specs["blazeface-short-range"]["inputs"]})
    resized = {name: [1, 64, 64, 3] for name in _declared(models["blazeface-short-range"])["input"]}
    jobs.append({"model": "face_detection", "role": "input", "declared": resized,
                 "expected": specs["blazeface-short-range"]["inputs"]})
    got = kotlin_harness.self_checks({"npy": [], "diff": [], "signature": jobs, "files": []}, tmp_path)["signature"]
    assert got[:-2] == [None] * (len(jobs) - 2), got
    assert got[-2] == f"model face_detection: inputs {list(wrong)}; expected ['input']".replace("'", ""), got[-2]
    assert got[-1] == "model face_detection: input input has shape [1, 64, 64, 3]; expected [1, 128, 128, 3]"
