"""User models that are valid files but wrong for their recipe: each is refused with one clear
message before anything is cached (API level, fast), and on the command line with one line and
exit 2, leaving a previous bundle byte-identical (slow: needs the converted detector)."""

import hashlib
import json

import numpy as np
import pytest
from packager_cli import one_line_error, packager

import hostile_models as hm
from packager import preparation, recipes
from packager.errors import PackagerError

FERPLUS = recipes.emotion_recipe("emotion-ferplus")
AFFECTNET = recipes.emotion_recipe("emo-affectnet")

CASES = {
    "five_classes.onnx": (FERPLUS, lambda p: hm.ferplus_classes(p, 5),
                          ["output 'Plus692_Output_0' has shape [1, 5]", "expects [1, 8]"]),
    "nan.onnx": (FERPLUS, hm.ferplus_nan, ["output 'Plus692_Output_0' is NaN"]),
    "inf.onnx": (FERPLUS, hm.ferplus_inf, ["output 'Plus692_Output_0' is Inf"]),
    "unknown_op.onnx": (FERPLUS, hm.ferplus_unknown_op, ["CPU provider", "com.example::Frobnicate"]),
    "nan_weights.pt": (AFFECTNET, hm.affectnet_nan, ["output 'logits' is NaN"]),
    "wrong_arch.pt": (AFFECTNET, hm.torchscript_wrong_architecture,
                      ["does not fit recipe emo-affectnet", "[1, 3, 224, 224]", "channels"]),
}


def check_input(recipe) -> np.ndarray:
    return np.random.default_rng(0).uniform(0, 255, recipe.input_shape).astype(np.float32)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_model_is_refused_before_caching(name, tmp_path):
    recipe, make, needles = CASES[name]
    path = make(tmp_path / name)
    cache = tmp_path / "cache"
    with pytest.raises(PackagerError) as e:
        preparation.convert(recipe, str(path), check_input(recipe), cache)
    msg = str(e.value)
    assert "\n" not in msg and str(path) in msg, msg
    for n in needles:
        assert n in msg, msg
    assert not cache.exists() or not [p for p in cache.rglob("*") if p.is_file()]


def test_the_unbroken_standin_passes_the_same_checks(tmp_path, standin_files):
    conv = preparation.convert(FERPLUS, str(standin_files["emotion-ferplus"]), check_input(FERPLUS), tmp_path)
    assert conv.max_abs_diff <= 1e-4 and conv.onnx_path.is_file()


def test_malicious_pickle_is_never_unpickled(tmp_path):
    marker = tmp_path / "pwned"
    path = hm.malicious_pickle(tmp_path / "evil.pt", marker)
    with pytest.raises(PackagerError, match="neither a PyTorch state_dict"):
        preparation.convert(AFFECTNET, str(path), check_input(AFFECTNET), tmp_path / "cache")
    assert not marker.exists()


def test_recipe_output_shapes():
    det = recipes.detector_recipe(recipes.DEFAULT_DETECTOR)
    assert det.output_shapes == [(1, 896, 16), (1, 896, 1)]
    assert FERPLUS.output_shapes == [(1, 8)] and AFFECTNET.output_shapes == [(1, 7)]


def fake_previous_bundle(out):
    """A previous bundle as ``packager build`` recognizes one (a manifest) with its bytes."""
    (out / "android").mkdir(parents=True)
    (out / "android" / "manifest.json").write_text(json.dumps({
        "previous": True, "models": {"face_detection": {}, "face_emotion_recognition": {}},
        "files": {"model.ort": {"sha256": hashlib.sha256(b"previous model").hexdigest(), "bytes": 14}}}))
    (out / "android" / "model.ort").write_bytes(b"previous model")
    return {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", ["five_classes.onnx", "nan.onnx", "unknown_op.onnx", "wrong_arch.pt"])
def test_cli_run_and_build_refuse_the_model_and_keep_the_bundle(name, tmp_path, prepared_default, cache_root):
    recipe, make, needles = CASES[name]
    path = make(tmp_path / name)
    args = ["--emotion-recipe", recipe.name, "--emotion-model", path]
    before_cache = {p for p in cache_root.rglob("*") if p.is_file()}
    from packager import samples
    from PIL import Image

    Image.fromarray(samples.astronaut()).save(tmp_path / "a.png")
    one_line_error(packager("run", tmp_path / "a.png", *args), *needles)
    out = tmp_path / "dist"
    previous = fake_previous_bundle(out)
    one_line_error(packager("build", "--target", "android", "--out", out, *args), *needles)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == previous
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert {p for p in cache_root.rglob("*") if p.is_file()} == before_cache


def test_manifest_writer_refuses_nan():
    from packager.export import manifest

    with pytest.raises(PackagerError, match="non-finite"):
        manifest.dumps({"max_diff": float("nan")})
