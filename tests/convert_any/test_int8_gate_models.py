"""The int8 gate of ``packager convert --quantize int8`` on the real models packager ships, down
the command's own path (``packager.bench.int8_gate.measure``: convert_any, artifacts.build,
artifacts.int8, held-out inputs run by TFLite's kernel sets): BlazeFace, whose int8 finds the
same faces on 96.5 % of the held-out images, and fer's emotion model, the same top-1 on 95.9 % of
the held-out crops, pass the default; the rule it replaced (every element within 0.05 of fp32)
refused both; the emotion model calibrated on flat grey crops is refused."""

from __future__ import annotations

import pytest

from packager.bench import int8_gate
from packager.cache import Cache
from packager.export.quantize import DEFAULT_MIN_AGREEMENT


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> dict[str, dict]:
    cache = Cache()
    cases = int8_gate.cases(tmp_path_factory.mktemp("int8gate"), cache.root.parent,
                            {"blazeface", "emotion", "emotion-grey-calibration"})
    return {c["name"]: int8_gate.measure(c, cache) for c in cases}


def test_blazeface_int8_passes_the_default_where_the_old_rule_never_did(rows):
    r = rows["blazeface"]
    assert r["kernels"] == ["reference kernels", "XNNPACK"] and r["held_out"] == 200
    assert r["task"][0] == "same faces" and r["task"][1] >= DEFAULT_MIN_AGREEMENT
    assert r["old_rule_percent"] < 5.0
    assert r["new_rule_percent"] >= DEFAULT_MIN_AGREEMENT, r["new_rule_percent"]


def test_the_emotion_classifier_passes_and_keeps_its_top1(rows):
    r = rows["emotion"]
    assert r["old_rule_percent"] < DEFAULT_MIN_AGREEMENT <= r["new_rule_percent"]
    (out,) = r["outputs"].values()
    assert out["argmax_judged"] > 0 and out["argmax_same"] / out["argmax_judged"] >= 0.95


def test_an_int8_model_calibrated_on_grey_is_refused(rows):
    r = rows["emotion-grey-calibration"]
    assert r["task"][1] < 60.0  # its top-1 is the same on about half the crops
    assert r["new_rule_percent"] < 20.0
