"""Where every file of a bundle goes: the one table that the build, codegen, bench and tests read.

Bundle layout (``<out>/android``; iOS the same with ``Resources/`` and ``swift/``)::

    README.md                      where each part goes in an app
    manifest.json                  see ``packager.export.manifest``
    required_operators.config      operator list for a reduced ONNX Runtime build
    assets/                        the models folder: copy into app/src/main/assets/
      face_detection.ort             (iOS: Resources/, added to the app target)
      face_emotion_recognition.ort
      face_detection.int8.ort, face_emotion_recognition.int8.ort     (--quantize int8)
      samples/<model>/input.npy, samples/<model>/<output name>.npy  (astronaut photo)
      samples/<model>/int8/<output name>.npy                       (with --quantize int8)
    kotlin/                        wrapper sources (iOS: swift/): the runtime library + the generated
                                   Recipes.kt/.swift, or a README saying why they are missing

A ``packager convert`` bundle is itself a package (``Target.package_models``,
``package_samples``)::

    <out>/android/   src/main/assets/<model>.ort, samples/<model>.sample_input.npy,
                     samples/<model>.sample_output.<output>.npy, README.md, manifest.json,
                     required_operators.config
    <out>/ios/       the same with Sources/<Module>/Resources/<model>.ort
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A model's role in the pipeline (``Recipe.role``) → its bundle name: the stem of its files and
#: its key in the manifest, in pipeline order.
MODELS = {"detector": "face_detection", "emotion": "face_emotion_recognition"}
ROLES = tuple(MODELS.values())

MANIFEST = "manifest.json"
OPERATORS = "required_operators.config"
README = "README.md"


@dataclass(frozen=True)
class Target:
    """Where a platform's developer puts things.

    Attributes:
        name: bundle folder name.
        models: folder of the model files and samples (an app's assets / resources).
        wrapper: folder of the wrapper sources (runtime library + generated files).
        language: codegen language of the wrapper.
        hint: one line on how the models folder enters an app.
        package_models: the models folder of a bundle that is itself a package (``packager
            convert``): the Android library module's own assets, the Swift package target's
            resources (``{module}``: the target's name, ``module_name``).
        package_hint: how such a bundle's models enter an app (``{models}``: that folder,
            ``{file}``: the model file).
    """

    name: str
    models: str
    wrapper: str
    language: str
    hint: str
    package_models: str
    package_hint: str


TARGETS = {
    "android": Target("android", "assets", "kotlin", "kotlin",
                      "copy `assets/` into `app/src/main/assets/` (or add it to `sourceSets.main.assets`)",
                      "src/main/assets",
                      "This folder has an Android library module's layout (no build file yet): its models are in "
                      "`{models}/`; add a `build.gradle.kts` applying `com.android.library`, or copy `{models}/` into "
                      "your app's, and open `{file}` from the assets."),
    "ios": Target("ios", "Resources", "swift", "swift",
                  "add `Resources/` to the app target (Copy Bundle Resources)", "Sources/{module}/Resources",
                  "Add `{models}/` to your app's Swift package target (`resources: [.process(\"Resources\")]`) and "
                  "open `{file}` with `Bundle.module`."),
}


def model_file(model: str, int8: bool = False) -> str:
    """File name of a model in the models folder: ``face_detection.ort``, ``….int8.ort``."""
    return f"{model}.int8.ort" if int8 else f"{model}.ort"


def model_files() -> tuple[str, ...]:
    """The fp32 model files an app loads, in pipeline order."""
    return tuple(model_file(m) for m in ROLES)


def sample_input(model: str) -> str:
    """Sample input of a model, relative to the models folder."""
    return f"samples/{model}/input.npy"


def sample_output(model: str, output: str, int8: bool = False) -> str:
    """Expected sample output (by output tensor name), relative to the models folder."""
    return f"samples/{model}/{'int8/' if int8 else ''}{file_safe(output)}.npy"


#: Folder of the self-check samples in a package bundle (``packager convert``): beside the package
#: sources, outside the app's assets, so that an app does not ship them unless it asks to.
SAMPLES = "samples"


def package_samples(model: str, inputs: list[str], outputs: list[str]) -> dict[str, dict[str, str]]:
    """Sample files of a model in a package bundle, relative to the bundle root:
    ``{"inputs": {name: "samples/<model>.sample_input.npy"}, "outputs": {name:
    "samples/<model>.sample_output.<file-safe name>.npy"}}``; a model of several inputs names each
    (``<model>.sample_input.<file-safe name>.npy``)."""
    one = len(inputs) == 1
    return {
        "inputs": {n: f"{SAMPLES}/{model}.sample_input{'' if one else '.' + file_safe(n)}.npy" for n in inputs},
        "outputs": {n: f"{SAMPLES}/{model}.sample_output.{file_safe(n)}.npy" for n in outputs},
    }


def module_name(model: str) -> str:
    """A model's Swift target / Kotlin class stem: ``face_landmark`` → ``FaceLandmark``."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", model) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts) or "Model"
    return name if name[0].isalpha() else "Model" + name


def package_models(t: "Target", model: str) -> str:
    """The models folder of a package bundle for ``model`` (``Target.package_models``)."""
    return t.package_models.format(module=module_name(model))


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def file_safe(name: str) -> str:
    """A tensor name as a file name part."""
    return _SAFE.sub("_", name) or "_"
