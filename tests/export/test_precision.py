"""Which precision each target ships (``packager.export.precision``) and the float16 input rule of
provider coverage (``packager.export.coverage``)."""

from types import SimpleNamespace

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from packager.errors import PackagerError
from packager.export import coverage, precision
from packager.cache import Cache


def _cov(**providers) -> dict:
    """Coverage with ``provider=(taken, total, partitions)`` (the rest whole)."""
    out = {"static_shapes": True}
    for p in coverage.PROVIDERS:
        taken, total, parts = providers.get(p.replace(" ", "_"), (10, 10, 1))
        out[p] = {"nodes": total, "supported_nodes": taken, "partitions": parts}
    return out


def _models(int8=None, fp16=None) -> dict:
    def a(cov32):
        return SimpleNamespace(coverage_after=cov32, int8=None if int8 is None else {"coverage": int8},
                               fp16=None if fp16 is None else {"coverage": fp16})
    return {"face_detection": a(_cov()), "face_emotion_recognition": a(_cov())}


SPLIT_ON_COREML = _cov(CoreML_NeuralNetwork=(79, 299, 50), CoreML_MLProgram=(79, 299, 50))
SPLIT_ON_NN = _cov(CoreML_NeuralNetwork=(89, 179, 2), NNAPI=(89, 179, 2))


def test_int8_ships_where_nnapi_takes_it_whole_and_not_where_core_ml_splits_it():
    models = _models(int8=SPLIT_ON_COREML, fp16=SPLIT_ON_NN)
    android, ios = precision.choose(models, "android"), precision.choose(models, "ios")
    assert android["shipped"] == ["fp32", "int8"] and android["default"] == "int8"
    assert ios["shipped"] == ["fp32"] and ios["default"] == "fp32"
    assert ios["variants"]["int8"]["reason"].startswith("not shipped: split into fragments")
    assert "CoreML MLProgram 79/299 nodes, 50 partitions" in ios["variants"]["int8"]["reason"]
    # fp16: ML Program takes it whole, the NeuralNetwork format does not: only the split provider is named
    assert ios["variants"]["fp16"]["models"]["face_detection"]["split_on"] == ["CoreML NeuralNetwork"]
    assert "MLProgram" not in ios["variants"]["fp16"]["reason"]


def test_a_variant_whole_everywhere_is_the_default_in_preference_order():
    models = _models(int8=_cov(), fp16=_cov())
    for t in ("android", "ios"):
        c = precision.choose(models, t)
        assert c["shipped"] == ["fp32", "fp16", "int8"] and c["default"] == "int8"
    assert precision.choose(_models(fp16=_cov()), "ios")["default"] == "fp16"
    assert precision.choose(_models(), "ios") ["shipped"] == ["fp32"]


def test_asked_variants_ship_exactly_and_the_first_is_the_default():
    models = _models(int8=SPLIT_ON_COREML, fp16=SPLIT_ON_NN)
    c = precision.choose(models, "ios", ("fp16", "fp32"))
    assert c["shipped"] == ["fp16", "fp32"] and c["default"] == "fp16" and c["asked"] == ["fp16", "fp32"]
    assert c["variants"]["fp16"]["reason"].startswith("asked for with --precision; split")
    assert c["variants"]["int8"]["shipped"] is False
    with pytest.raises(PackagerError, match="int8 was not built"):
        precision.choose(_models(fp16=_cov()), "android", ("int8",))


@pytest.mark.parametrize("values, expected", [
    (["ios=fp16,fp32"], {"ios": ("fp16", "fp32")}),
    (["int8"], {"android": ("int8",), "ios": ("int8",)}),
    (["fp32", "android=int8"], {"android": ("int8",), "ios": ("fp32",)}),
])
def test_parse(values, expected):
    assert precision.parse(values, ("android", "ios")) == expected


@pytest.mark.parametrize("value, words", [
    ("ios=fp8", "name variants from fp32, fp16, int8"), ("ios=fp16,fp16", "each once"),
    ("ios=", "name variants"), ("watch=fp16", "unknown target 'watch'"),
])
def test_parse_refuses(value, words):
    with pytest.raises(PackagerError, match=words):
        precision.parse([value], ("android", "ios"))
    with pytest.raises(PackagerError, match="does not write ios"):
        precision.parse(["ios=fp32"], ("android",))


def _conv_model(dtype: int) -> bytes:
    """x (float32) → Cast → Conv → Relu → Cast → y, the Conv in ``dtype``."""
    np_type = helper.tensor_dtype_to_np_dtype(dtype)
    w = numpy_helper.from_array(np.ones((2, 1, 3, 3), np_type), "w")
    nodes = [helper.make_node("Cast", ["x"], ["xc"], to=dtype, name="in"),
             helper.make_node("Conv", ["xc", "w"], ["c"], name="conv"),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("Cast", ["r"], ["y"], to=TensorProto.FLOAT, name="out")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 6, 6])], [w])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8).SerializeToString()


def test_float16_nodes_go_to_ml_program_only(tmp_path):
    """onnxruntime's CoreML EP takes a float16 first input only when it builds an ML Program; the
    NeuralNetwork format and NNAPI refuse it: the checker's operator table alone would say whole."""
    cov16 = coverage.measure(_conv_model(TensorProto.FLOAT16), Cache(tmp_path))
    assert cov16["CoreML MLProgram"]["partitions"] == 1
    assert cov16["CoreML MLProgram"]["supported_nodes"] == cov16["CoreML MLProgram"]["nodes"]
    cov32 = coverage.measure(_conv_model(TensorProto.FLOAT), Cache(tmp_path))
    assert all(cov32[p]["float16_input_nodes"] == 0 for p in coverage.PROVIDERS)
    assert all(cov32[p]["partitions"] == 1 and cov32[p]["supported_nodes"] == cov32[p]["nodes"] for p in coverage.PROVIDERS)
    for p in ("NNAPI", "CoreML NeuralNetwork"):
        assert cov16[p]["supported_nodes"] < cov16[p]["nodes"], p
        assert cov16[p]["float16_input_nodes"] > 0 and cov16[p]["takes_float16"] is False


def test_the_float16_rule_refuses_what_the_operator_table_takes():
    table = SimpleNamespace(is_op_supported=lambda node: True)
    types = {"h": TensorProto.FLOAT16, "f": TensorProto.FLOAT}
    conv = lambda x: helper.make_node("Conv", [x, "w"], ["y"])  # noqa: E731
    refusing = coverage._with_dtype_rule(SimpleNamespace(is_op_supported=lambda node: True), types, False)
    assert not refusing.is_op_supported(conv("h")) and refusing.is_op_supported(conv("f"))
    taking = coverage._with_dtype_rule(table, types, True)
    assert taking.is_op_supported(conv("h"))


@pytest.mark.parametrize("args, words", [
    (["--precision", "ios=fp8"], "--precision ios=fp8: name variants from fp32, fp16, int8"),
    (["--precision", "android=int8"], "--precision names int8: add --quantize int8"),
    (["--target", "android", "--precision", "ios=fp16"], "the build does not write ios"),
])
def test_bad_precision_is_one_line_exit_2_and_nothing_written(tmp_path, args, words):
    from build_helpers import run_cli

    code, out, err = run_cli("build", "--out", str(tmp_path / "dist"), *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and words in err and "Traceback" not in err
    assert not (tmp_path / "dist").exists()


def test_help_text_names_the_rule(capsys):
    from packager import cli

    with pytest.raises(SystemExit):
        cli.main(["build", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--precision [TARGET=]VARIANT,..." in text and "the first being the app's default" in text
    assert "one partition" in text and "--precision ios=fp16,fp32" in text
