"""The opset a model needs (issue 26): old ONNX files upgraded when the upgrade reproduces the
original, ai.onnx.ml-only models taken, the runtime's newest opset held to the installed
onnxruntime, messages that keep their cause.

The old models are onnx's own backend test data (``onnx/backend/test/data/pytorch-*``: opset-6
graphs exported by PyTorch, each with an input and the output PyTorch computed), so the expected
values come from the model's source runtime, not from the code under test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import helper, numpy_helper

from packager.convert import MAX_OPSET, needed_opset, one_line, onnxfile, operators_newer_than, run_onnx
from packager.errors import PackagerError

BACKEND = Path(onnx.__file__).parent / "backend" / "test" / "data"


def _backend_case(name: str) -> tuple[str, dict[str, np.ndarray], list[np.ndarray]]:
    """(model path, feeds by input name, expected outputs) of one backend test model."""
    (model,) = BACKEND.glob(f"pytorch-*/{name}/model.onnx")
    data = model.parent / "test_data_set_0"
    load = lambda files: [numpy_helper.to_array(onnx.load_tensor(str(f))) for f in sorted(files)]  # noqa: E731
    m = onnx.load(str(model))
    inits = {i.name for i in m.graph.initializer}
    names = [i.name for i in m.graph.input if i.name not in inits]
    return str(model), dict(zip(names, load(data.glob("input_*.pb")))), load(data.glob("output_*.pb"))


def _ort_runs(path: str, feeds: dict) -> bool:
    try:
        ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, feeds)
        return True
    except Exception:  # noqa: BLE001
        return False


# Both kinds: onnxruntime runs the first group as they are; the second only once upgraded (their
# opset-6 BatchNormalization, Gemm, AveragePool… have no kernel there), so the upgrade is checked
# against onnx's reference evaluator.
RUN_BY_ORT = ["test_Conv2d", "test_MaxPool2d", "test_operator_flatten", "test_Softmax", "test_ConstantPad2d"]
RUN_BY_REFERENCE = ["test_AvgPool2d", "test_BatchNorm2d_eval", "test_Linear", "test_PReLU_2d", "test_GLU"]


@pytest.mark.parametrize("name", RUN_BY_ORT + RUN_BY_REFERENCE)
def test_opset6_models_are_upgraded_and_reproduce_their_expected_outputs(name):
    path, feeds, expected = _backend_case(name)
    assert onnxfile.opset(onnx.load(path)) == 6
    c = onnxfile.convert_any(path, feeds)
    assert onnxfile.opset(c.model) == 13
    assert any("opset 6 upgraded to 13" in n for n in c.notes)
    want = "onnxruntime" if name in RUN_BY_ORT else "onnx's reference evaluator"
    assert c.source_runtime == want and _ort_runs(path, feeds) == (name in RUN_BY_ORT)
    for got, exp in zip(run_onnx(c.model, feeds), expected):  # the onnx backend's own tolerance
        np.testing.assert_allclose(got, exp, rtol=1e-3, atol=1e-7)


def test_an_upgrade_that_breaks_the_model_is_refused_with_its_cause():
    # onnx.version_converter keeps opset 6's per-channel PRelu slope [C] as is; from opset 7 it
    # broadcasts against the last axis, so the upgraded graph fails on the original input
    path, feeds, _ = _backend_case("test_PReLU_2d_multiparam")
    with pytest.raises(PackagerError) as e:
        onnxfile.convert_any(path, feeds)
    msg = str(e.value)
    assert "upgraded to opset 13 fails in onnxruntime" in msg and "Attempting to broadcast an axis" in msg
    assert "\n" not in msg


def _ml_model(path: Path) -> Path:
    """scikit-learn's kind of graph: ai.onnx.ml operators only (Scaler: (x − offset)·scale → L2 Normalizer), no
    default-domain opset import."""
    nodes = [helper.make_node("Scaler", ["x"], ["y"], domain="ai.onnx.ml", offset=[0.5, 1.0, -2.0],
                              scale=[2.0, 0.25, 1.5]),
             helper.make_node("Normalizer", ["y"], ["z"], domain="ai.onnx.ml", norm="L2")]
    g = helper.make_graph(nodes, "ml", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None, 3])],
                          [helper.make_tensor_value_info("z", onnx.TensorProto.FLOAT, [None, 3])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("ai.onnx.ml", 1)], ir_version=7)
    onnx.save(m, str(path))
    return path


def test_an_ai_onnx_ml_only_model_converts(tmp_path):
    path = _ml_model(tmp_path / "ml.onnx")
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    c = onnxfile.convert_any(str(path), {"x": x})
    assert [o.domain for o in c.model.opset_import] == ["ai.onnx.ml"] and not c.notes
    y = (x - np.float32([0.5, 1.0, -2.0])) * np.float32([2.0, 0.25, 1.5])
    np.testing.assert_allclose(run_onnx(c.model, {"x": x})[0], y / np.linalg.norm(y, axis=1, keepdims=True), rtol=1e-6)


def _one_op(op: str, opset: int, **attrs) -> onnx.ModelProto:
    g = helper.make_graph([helper.make_node(op, ["x"], ["y"], **attrs)], "g",
                          [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def test_needed_opset_is_the_first_that_defines_every_operator():
    m = _one_op("HardSwish", 13)
    assert needed_opset(m) == 14 and operators_newer_than(m, 13) == ["HardSwish"]
    assert needed_opset(_one_op("Relu", 13)) == 1 and operators_newer_than(_one_op("Relu", 13), 13) == []


def test_max_opset_is_the_installed_onnxruntimes():
    def loads(opset):
        try:
            ort.InferenceSession(_one_op("Relu", opset).SerializeToString(), providers=["CPUExecutionProvider"])
            return True
        except Exception:  # noqa: BLE001
            return False

    assert loads(MAX_OPSET) and not loads(MAX_OPSET + 1)


def test_a_newer_opset_than_the_runtime_takes_is_refused(tmp_path):
    path = tmp_path / "new.onnx"
    onnx.save(_one_op("Relu", MAX_OPSET + 1), str(path))
    with pytest.raises(PackagerError, match=f"uses opset {MAX_OPSET + 1}; the pinned onnxruntime runs opsets up to "
                                            f"{MAX_OPSET} \\(re-export the model at opset {MAX_OPSET} or lower\\)"):
        onnxfile.convert_any(str(path), {"x": np.zeros((1, 4), np.float32)})


def test_one_line_keeps_the_cause_at_the_end():
    node = "MobileNetV3Small_1/activation_1/mul;" * 20
    e = RuntimeError(f"[ONNXRuntimeError] : 10 : INVALID_GRAPH : This is an invalid model. In Node, (\"{node}\", "
                     "HardSwish)\n : Error No Op registered for HardSwish with domain_version of 13")
    line = one_line(e)
    assert len(line) <= 300 and line.startswith("[ONNXRuntimeError] : 10 : INVALID_GRAPH")
    assert line.endswith("Error No Op registered for HardSwish with domain_version of 13") and " … " in line
    assert one_line(RuntimeError("short\n  cause")) == "short cause"
