"""Damaged model files never take the process down: a file that crashes its runtime's C++ loader
(SIGSEGV, SIGBUS) is read in a child process (``packager.isolated``) and the command says so in
one line, exit 2; names that are not UTF-8 text and graphs without outputs are refused before any
runtime sees them."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper
from packager_cli import REPO, one_line_error, packager

import hostile_models as hm
from packager import isolated
from packager.errors import PackagerError


# --- the child process itself (fast: no model runtime) -------------------------------------------

def _segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def _bus_error():
    os.kill(os.getpid(), signal.SIGBUS)


def _out_of_memory():
    raise MemoryError("std::bad_alloc")


def _refuse():
    raise PackagerError("refused in the child")


def _add(a, b):
    return a + b


@pytest.mark.parametrize("fn,needles", [
    (_segfault, ["m.tflite crashed TFLite", "(SIGSEGV)", "the file is damaged"]),
    (_bus_error, ["m.tflite crashed TFLite", "(SIGBUS)"]),
    (_out_of_memory, ["m.tflite: TFLite failed on it (MemoryError: std::bad_alloc)", "the file is damaged"]),
    (_refuse, ["refused in the child"]),
])
def test_a_child_that_dies_or_fails_is_one_line_and_the_next_call_works(fn, needles):
    with isolated.Child() as child:
        with pytest.raises(PackagerError) as e:
            child.call(fn, path="m.tflite", fmt="tflite")
        assert "\n" not in str(e.value)
        for n in needles:
            assert n in str(e.value), str(e.value)
        assert child.call(_add, 2, 3, path="m.tflite", fmt="tflite") == 5


# --- names that are not UTF-8, graphs without outputs (fast) --------------------------------------

def _patched(src: Path, dst: Path, old: bytes, new: bytes) -> Path:
    data = src.read_bytes()
    assert data.count(old) >= 1 and len(old) == len(new)
    dst.write_bytes(data.replace(old, new))
    return dst


def _no_outputs(path: Path) -> Path:
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3])], [])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


ONNX_CASES = {
    "operator type not UTF-8": (lambda t: _patched(hm.tiny_onnx(t / "tiny.onnx"), t / "op.onnx", b"Relu", b"R\xffl\xfe"),
                                ["op.onnx is not a valid ONNX model (operator 1's type is not UTF-8 text)"]),
    "tensor name not UTF-8": (lambda t: _patched(hm.tiny_onnx(t / "tiny.onnx"), t / "name.onnx", b"features",
                                                 b"featur\xff\xfe"),
                              ["name.onnx is not a valid ONNX model (graph output 0's name is not UTF-8 text)"]),
    "no outputs": (lambda t: _no_outputs(t / "noout.onnx"), ["noout.onnx declares no outputs"]),
}


@pytest.mark.parametrize("case", sorted(ONNX_CASES))
def test_onnx_file_refused_before_any_runtime(case, tmp_path):
    make, needles = ONNX_CASES[case]
    r = packager("convert", make(tmp_path), "--out", tmp_path / "out")
    one_line_error(r, *needles)
    assert "onnxruntime" not in r.stderr.lower() or "ONNXRuntimeError" not in r.stderr
    assert not (tmp_path / "out").exists()


# --- a real TFLite file that crashes TFLite's loader ----------------------------------------------

@pytest.fixture(scope="module")
def tiny_tflite(tmp_path_factory) -> Path:
    """x [1, 4] → relu(x · w) [1, 3]: 816 bytes, written by TensorFlow's own converter (in a child
    process: this one stays free of TensorFlow)."""
    path = tmp_path_factory.mktemp("tflite") / "tiny.tflite"
    code = textwrap.dedent(f"""
        import os
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        import numpy as np, tensorflow as tf
        w = tf.constant(np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32))
        @tf.function(input_signature=[tf.TensorSpec([1, 4], tf.float32)])
        def f(x):
            return {{"y": tf.nn.relu(tf.matmul(x, w))}}
        open({str(path)!r}, "wb").write(tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()]).convert())
    """)
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return path


def mutate(data: bytes, seed: int) -> bytes:
    """1–6 random bytes of ``data`` replaced (seeded): the issue's mutation."""
    r = random.Random(seed)
    b = bytearray(data)
    for _ in range(r.randint(1, 6)):
        b[r.randrange(len(b))] = r.randrange(256)
    return bytes(b)


PROBE = """
import sys, numpy as np
sys.path.insert(0, {repo!r})
from packager.convert import tflite
from packager.errors import PackagerError
tflite._quiet_tensorflow()
for path in sys.argv[1:]:
    print(path, flush=True)
    try:
        it = tflite._interpreter(path)  # packager's own walk of the flatbuffer first, then TFLite
        d = it.get_input_details()[0]
        it.set_tensor(d["index"], np.ones(d["shape"], d["dtype"]))
        it.invoke()
    except Exception:
        pass
"""


def crashing_mutant(src: Path, folder: Path, tries: int = 200) -> tuple[Path, int]:
    """The first seeded mutation of ``src`` that kills TFLite in-process (shown in a probe
    process, outside packager's child), and the signal it died of."""
    folder.mkdir(exist_ok=True)
    paths = []
    for seed in range(tries):
        paths.append(folder / f"mutant{seed:03d}.tflite")
        paths[-1].write_bytes(mutate(src.read_bytes(), seed))
    start = 0
    while start < len(paths):
        p = subprocess.run([sys.executable, "-c", PROBE.format(repo=str(REPO)), *map(str, paths[start:])],
                           capture_output=True, text=True, timeout=600)
        last = p.stdout.split()[-1]
        if p.returncode < 0:
            return Path(last), -p.returncode
        start = len(paths)
    raise AssertionError(f"none of {tries} mutations crashes TFLite any more; the test needs another source")


def test_tflite_that_crashes_tflites_loader_is_one_line(tiny_tflite, tmp_path):
    mutant, signum = crashing_mutant(tiny_tflite, tmp_path / "mutants")
    assert signum in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGFPE, signal.SIGILL)
    r = packager("convert", mutant, "--out", tmp_path / "out")
    one_line_error(r, f"{mutant} crashed TFLite while loading or running it ({signal.Signals(signum).name})",
                   "the file is damaged")
    assert not (tmp_path / "out").exists()


def test_tflite_tensor_name_not_utf8(tiny_tflite, tmp_path):
    data = tiny_tflite.read_bytes()
    name = b"Identity"  # the output tensor's name
    assert name in data
    bad = tmp_path / "name.tflite"
    bad.write_bytes(data.replace(name, b"Identi\xff\xfe"))
    one_line_error(packager("convert", bad, "--out", tmp_path / "out"),
                   "is not a valid TFLite model (a tensor name is not UTF-8 text)")


def test_crashing_emotion_model_in_run_and_build(tiny_tflite, tmp_path, prepared_default):
    from PIL import Image

    from packager import samples

    mutant, signum = crashing_mutant(tiny_tflite, tmp_path / "mutants")
    Image.fromarray(samples.astronaut()).save(tmp_path / "a.png")
    needle = f"{mutant} crashed TFLite while loading or running it ({signal.Signals(signum).name})"
    one_line_error(packager("run", tmp_path / "a.png", "--emotion-model", mutant, "--quiet"), needle)
    one_line_error(packager("build", "--target", "android", "--out", tmp_path / "dist", "--emotion-model", mutant,
                            "--quiet"), needle)
    assert not (tmp_path / "dist").exists()


def test_tflite_declaring_a_huge_tensor_is_refused_before_tflite_allocates(tmp_path):
    path = tmp_path / "huge.tflite"
    code = textwrap.dedent(f"""
        import os
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        import tensorflow as tf
        @tf.function(input_signature=[tf.TensorSpec([1, 1000, 1000, 1000], tf.float32)])
        def f(x):
            return {{"y": tf.nn.relu(x)}}
        open({str(path)!r}, "wb").write(tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()]).convert())
    """)
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    one_line_error(packager("convert", path, "--out", tmp_path / "out"),
                   f"{path}: tensor 'x' is [1, 1000, 1000, 1000] float32: 3.73 GiB, more than packager allocates")
    assert not (tmp_path / "out").exists()
