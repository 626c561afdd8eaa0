"""Front ends on real weights and on the stand-ins, each conversion verified; bad model files
give clear errors."""

import json

import numpy as np
import onnx
import pytest

from packager import preparation, recipes
from packager.cache import sha256_file
from packager.convert import MAX_CONVERSION_DIFF, compare
from packager.errors import PackagerError


def real_inputs(model: onnx.ModelProto) -> list:
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def static_shape(vi) -> list:
    return [d.dim_value if d.HasField("dim_value") else None for d in vi.type.tensor_type.shape.dim]


def test_default_models_convert_within_tolerance(prepared_default):
    for conv in (prepared_default.detector, prepared_default.emotion):
        assert conv.source_runtime == "tflite"
        assert 0 <= conv.max_abs_diff <= MAX_CONVERSION_DIFF
        m = conv.load()
        [inp] = real_inputs(m)
        assert inp.name == conv.recipe.input_name and static_shape(inp) == list(conv.recipe.input_shape)


def test_ferplus_standin_is_upgraded_to_opset_13_with_real_inputs_only(prepared_all, standin_files):
    src = onnx.load(str(standin_files["emotion-ferplus"]))
    assert src.ir_version == 3 and src.opset_import[0].version == 8 and len(src.graph.input) > 20
    conv = prepared_all["emotion-ferplus"].emotion
    m = conv.load()
    assert next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")) == 13
    [inp] = real_inputs(m)
    assert len(m.graph.input) == 1 and static_shape(inp) == [1, 1, 64, 64]
    assert conv.source_runtime == "onnxruntime" and conv.max_abs_diff <= MAX_CONVERSION_DIFF


def test_affectnet_state_dict_and_torchscript_convert(prepared_all, tmp_path):
    import standins

    conv = prepared_all["emo-affectnet"].emotion
    assert conv.source_runtime == "torch" and conv.max_abs_diff <= MAX_CONVERSION_DIFF
    assert [o.name for o in conv.load().graph.output] == ["logits"]
    ts = standins.write_affectnet_torchscript(tmp_path / "affectnet_ts.pt")
    det = prepared_all["fer-minixception"].detector
    x = preparation.emotion_check_input(recipes.EMO_AFFECTNET, recipes.BLAZEFACE_SHORT_RANGE, det.onnx_path)
    conv_ts = preparation.convert(recipes.EMO_AFFECTNET, str(ts), x, tmp_path / "cache")
    assert conv_ts.max_abs_diff <= MAX_CONVERSION_DIFF


def test_standin_pipelines_run_end_to_end(prepared_all):
    from packager import samples

    for name in ("emotion-ferplus", "emo-affectnet"):
        [face] = preparation.build_pipeline(prepared_all[name])(samples.astronaut())
        assert face.emotion.labels == recipes.emotion_recipe(name).labels
        assert sum(face.emotion.probabilities) == pytest.approx(1.0, abs=1e-6)


def test_a_large_difference_fails_the_conversion():
    a = np.zeros((1, 7), np.float32)
    assert compare("m", [a], [a + 5e-5], "x") == pytest.approx(5e-5)
    with pytest.raises(PackagerError, match="differs from x by 0.002"):
        compare("m", [a], [a + 2e-3], "x")
    # raw outputs in pixels are measured relative to their scale
    big = np.full((1, 3), 150.0)
    assert compare("m", [big + 1e-3], [big], "x") == pytest.approx(1e-3 / 150)


def test_cache_reuses_and_rebuilds_corrupt_entries(prepared_default, tmp_path):
    r = recipes.BLAZEFACE_SHORT_RANGE
    x = preparation.detector_check_input(r)
    first = preparation.convert(r, None, x, tmp_path)
    again = preparation.convert(r, None, x, tmp_path)
    assert not first.cached and again.cached and again.onnx_path == first.onnx_path
    first.onnx_path.write_bytes(first.onnx_path.read_bytes()[:1000])  # truncated entry
    rebuilt = preparation.convert(r, None, x, tmp_path)
    assert not rebuilt.cached and onnx.load(str(rebuilt.onnx_path)).graph.node
    meta = rebuilt.onnx_path.with_suffix(".json")
    meta.write_text("{not json")
    assert not preparation.convert(r, None, x, tmp_path).cached
    assert json.loads(meta.read_text())["files"]["onnx"] == sha256_file(rebuilt.onnx_path)


def _bad_files(tmp_path, good):
    data = good.read_bytes()
    (tmp_path / "empty.onnx").write_bytes(b"")
    (tmp_path / "trunc.onnx").write_bytes(data[: len(data) // 3])
    (tmp_path / "text.onnx").write_text("this is not a model\n" * 10)
    (tmp_path / "trunc.pt").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    (tmp_path / "trunc.tflite").write_bytes(b"\x1c\0\0\0TFL3" + b"\0" * 50)
    return tmp_path


@pytest.mark.parametrize(
    "recipe, name, message",
    [
        ("emotion-ferplus", "missing.onnx", "model file not found"),
        ("emotion-ferplus", "empty.onnx", "model file is empty"),
        ("emotion-ferplus", "trunc.onnx", "not a valid ONNX model"),
        ("emotion-ferplus", "text.onnx", "not a valid ONNX model"),
        ("emo-affectnet", "trunc.pt", "neither a PyTorch state_dict nor a TorchScript"),
        ("fer-minixception", "trunc.tflite", "not a valid TFLite model"),
    ],
)
def test_bad_model_files_give_clear_errors(prepared_default, standin_files, tmp_path, recipe, name, message):
    d = _bad_files(tmp_path, standin_files["emotion-ferplus"])
    with pytest.raises(PackagerError, match=message):
        preparation.prepare(emotion_name=recipe, emotion_path=str(d / name))


def test_model_that_does_not_fit_its_recipe_is_refused(prepared_default, standin_files):
    with pytest.raises(PackagerError, match="does not fit recipe emo-affectnet: model inputs are \\['Input3'\\]"):
        preparation.prepare(emotion_name="emo-affectnet", emotion_path=str(standin_files["emotion-ferplus"]))
    with pytest.raises(PackagerError, match="does not fit recipe emotion-ferplus"):
        preparation.prepare(emotion_name="emotion-ferplus", emotion_path=str(standin_files["emo-affectnet"]))


def test_user_recipe_without_a_file_says_how_to_get_one():
    with pytest.raises(PackagerError, match="needs its model file: pass the ONNX model zoo file"):
        preparation.prepare(emotion_name="emotion-ferplus")
