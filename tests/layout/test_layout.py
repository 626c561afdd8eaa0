"""The bundle layout (packager.layout) and the file table a bundle is written from
(export.bundle.bundle_files): unique flat names, samples out of the app unless asked for."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from packager import layout
from packager.errors import PackagerError
from packager.export import bundle, facereadme


def _artifacts(outputs: tuple[str, ...], int8: bool) -> SimpleNamespace:
    values = {name: np.full((1, 2), i, np.float32) for i, name in enumerate(outputs)}
    return SimpleNamespace(ort=b"ort", sample_inputs={"input": np.zeros((1, 3), np.float32)}, sample_outputs=values,
                           int8={"ort": b"int8", "sample_outputs": values} if int8 else None)


def _models(int8: bool = True, emotion_outputs: tuple[str, ...] = ("Identity",)) -> dict:
    return {"face_detection": _artifacts(("regressors", "classificators"), int8),
            "face_emotion_recognition": _artifacts(emotion_outputs, int8)}


def test_file_names():
    assert layout.model_file("face_detection") == "face_detection.ort"
    assert layout.model_file("face_detection", int8=True) == "face_detection.int8.ort"
    assert layout.sample_input("face_detection") == "face_detection.sample_input.npy"
    assert layout.sample_output("face_detection", "regressors") == "face_detection.sample_output.regressors.npy"
    assert layout.sample_output("x", "a/b:0", int8=True) == "x.int8.sample_output.a_b_0.npy"
    assert layout.sample_path("x.npy") == "samples/x.npy"
    assert [layout.variant_file("m", v) for v in ("fp32", "fp16", "int8")] == ["m.ort", "m.fp16.ort", "m.int8.ort"]
    assert layout.variant_sample_output("m", "a/b", "fp16") == "m.fp16.sample_output.a_b.npy"
    assert layout.variant_sample_output("m", "a", "fp32") == layout.sample_output("m", "a")
    assert layout.TARGETS["android"].model_path("a.ort") == "src/main/assets/a.ort"
    assert layout.TARGETS["ios"].model_path("a.ort") == "FaceEmotion/Sources/FaceEmotion/Resources/a.ort"
    assert layout.package_models(layout.TARGETS["ios"], "face_landmark") == "FaceLandmark/Sources/FaceLandmark/Resources"


@pytest.mark.parametrize("target", tuple(layout.TARGETS))
@pytest.mark.parametrize("self_check", [False, True])
def test_app_files_are_flat_and_unique_and_samples_only_with_self_check(target, self_check):
    t = layout.TARGETS[target]
    files, paths = bundle.bundle_files(t, _models(), self_check)
    in_app = [rel for rel in files if rel.startswith(t.models + "/")]
    names = [rel[len(t.models) + 1:] for rel in in_app]
    assert all("/" not in n for n in names) and len({n.lower() for n in names}) == len(names)
    npy = sorted(n for n in names if n.endswith(".npy"))
    if self_check:
        # every shipped variant's own expected outputs: the self-check of the variant the app opens
        assert npy == sorted(["face_detection.sample_input.npy", "face_detection.sample_output.classificators.npy",
                              "face_detection.sample_output.regressors.npy", "face_emotion_recognition.sample_input.npy",
                              "face_emotion_recognition.sample_output.Identity.npy",
                              "face_detection.int8.sample_output.classificators.npy",
                              "face_detection.int8.sample_output.regressors.npy",
                              "face_emotion_recognition.int8.sample_output.Identity.npy"])
        assert paths["face_detection"]["int8_in_app"]["regressors"] == t.model_path(
            "face_detection.int8.sample_output.regressors.npy")
        assert paths["face_detection"]["in_app"]["outputs"]["regressors"] == t.model_path(
            "face_detection.sample_output.regressors.npy")
    else:
        assert npy == [] and all(p["in_app"] is None for p in paths.values())
    outside = sorted(rel for rel in files if rel.startswith(layout.SAMPLES + "/"))
    assert len(outside) == 8  # 2 inputs, 3 fp32 outputs, 3 int8 outputs
    assert all(rel.count("/") == 1 for rel in outside)
    assert set(files) == set(in_app) | set(outside)


def test_two_outputs_with_the_same_file_name_are_refused():
    """``a/b`` and ``a:b`` are both ``a_b`` in a file name: one would overwrite the other."""
    with pytest.raises(PackagerError, match="two bundle files would be named"):
        bundle.bundle_files(layout.TARGETS["android"], _models(emotion_outputs=("a/b", "a:b")))


def test_bundle_readme_steps_name_the_layout_folders():
    """The integration steps are literal: the models folder each README names is the layout's."""
    for name, t in layout.TARGETS.items():
        steps = facereadme.STEPS[name].replace("{models}", t.models)
        assert f"`{t.models}/`" in steps and "{" + "models}" not in steps
    assert 'project(":face").projectDir = file("<path to this folder>")' in facereadme.STEPS["android"]
    assert "Add Package Dependencies" in facereadme.STEPS["ios"] and "Add Local" in facereadme.STEPS["ios"]


def test_build_help_teaches_the_bundles_and_the_self_check_flag():
    from packager_cli import packager

    out = packager("build", "--help").stdout
    for t in layout.TARGETS.values():
        assert t.kind in out and f"{t.models}/" in out
    assert "--self-check" in out and "selfCheck()" in out
    assert 'include(":face")' in out and 'implementation(project(":face"))' in out and "Add Local" in out


def test_module_names_never_clash_with_the_face_packages_or_the_runtime_types():
    """A convert bundle's module is its package's folder (its SwiftPM identity) and holds copies of
    the runtime pieces: it is never named like the face bundle's packages or like a public type it
    declares (read from the runtime pieces and the runner template)."""
    import re
    from packager import codegen

    assert layout.module_name("face_landmark") == "FaceLandmark" and layout.module_name("3d") == "Model3d"
    assert layout.module_name("face_emotion") == "FaceEmotionModel" and layout.module_name("npy") == "NpyModel"
    swift = codegen.language("swift")
    texts = [(codegen.RUNTIME / rel).read_text() for rel in swift.runner_runtime]
    texts.append((codegen.TEMPLATES / "runner_swift" / "Runner.swift.j2").read_text())
    declared = {n for text in texts for n in re.findall(r"^public (?:final )?(?:struct|class|enum|protocol) (\w+)", text, re.M)}
    assert "ModelSession" in declared and "Recipes" in declared
    assert declared <= layout.RESERVED_MODULES
    for name in layout.RESERVED_MODULES:
        assert layout.module_name(name) not in layout.RESERVED_MODULES
