"""Recipes carry docs/DESIGN.md's constants, and unknown names list the valid ones."""

import pytest

from packager import recipes
from packager.errors import PackagerError
from packager.reference import detect


def test_blazeface_anchor_grid_matches_the_model_outputs():
    r = recipes.BLAZEFACE_SHORT_RANGE
    a = detect.anchors(r.anchors)
    assert r.num_anchors == len(a) == 896
    # stride 8: 16×16 cells × 2 anchors first, then 8×8 cells × 6 anchors
    assert a[0].tolist() == [0.5 / 16, 0.5 / 16] and a[1].tolist() == [0.5 / 16, 0.5 / 16]
    assert a[512].tolist() == [0.5 / 8, 0.5 / 8] and a[517].tolist() == [0.5 / 8, 0.5 / 8]
    assert a[-1].tolist() == [7.5 / 8, 7.5 / 8]


def test_emotion_recipes_carry_the_upstream_constants():
    fer = recipes.FER_MINIXCEPTION
    assert fer.labels == ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
    assert fer.size == 64 and fer.channels == 1 and not fer.outputs_are_logits
    # (x/255 − 0.5)·2 written as (x − 127.5)/127.5
    assert (255 - fer.mean[0]) * fer.scale[0] == pytest.approx(1.0) and (0 - fer.mean[0]) * fer.scale[0] == pytest.approx(-1.0)
    plus = recipes.EMOTION_FERPLUS
    assert plus.input_name == "Input3" and plus.output_name == "Plus692_Output_0" and plus.layout == "NCHW"
    assert plus.labels[:3] == ("neutral", "happiness", "surprise") and len(plus.labels) == 8 and plus.outputs_are_logits
    aff = recipes.EMO_AFFECTNET
    assert aff.input_shape == (1, 3, 224, 224) and aff.color == "BGR" and aff.resize == "nearest"
    assert aff.mean == (91.4953, 103.8827, 131.0912)
    assert aff.labels == ("neutral", "happiness", "sadness", "surprise", "fear", "disgust", "anger")


def test_unknown_recipe_lists_the_valid_ones():
    with pytest.raises(PackagerError, match="fer-minixception, emotion-ferplus, emo-affectnet"):
        recipes.emotion_recipe("nope")
    with pytest.raises(PackagerError, match="blazeface-short-range"):
        recipes.detector_recipe("nope")


def test_recipes_are_frozen():
    with pytest.raises(Exception):
        recipes.FER_MINIXCEPTION.crop_scale = 2.0


def test_every_test_folder_is_collected(request):
    """pytest does not recurse into folders named like build artefacts (build, dist, venv…): a
    test subject placed under such a name would silently never run."""
    import fnmatch
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    norecurse = request.config.getini("norecursedirs")
    hidden = [p for p in tests.rglob("test_*.py")
              if any(fnmatch.fnmatch(part, pat) for part in p.relative_to(tests).parts[:-1] for pat in norecurse)]
    assert not hidden, hidden
