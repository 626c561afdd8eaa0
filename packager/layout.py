"""Where every file of a bundle goes: the one table that the build, codegen, bench and tests read.

A bundle is the project an app developer adds as it is, without editing it: ``<out>/android`` is
an Android library module, ``<out>/ios`` holds Swift packages (``FaceEmotion``, the one an app adds,
on ``FaceEmotionCore``).  Their models sit where the platform
looks for them (``Target.models``: merged into the app's assets / ``Bundle.module``), each file
under a unique flat name, so an app can never get two resources of the same name.  The self-check
samples stay outside the app (``SAMPLES``) unless the build is asked for them (``packager build
--self-check``: then the fp32 ones are also next to the models, same names)::

    <out>/android/                          Android library module (include it from settings.gradle.kts)
      build.gradle.kts, consumer-rules.pro
      src/main/AndroidManifest.xml
      src/main/kotlin/dev/packager/face/    the runtime library + the generated Recipes.kt
      sample/                               a minimal camera app on the module (an app module of its own)
      src/main/assets/                      Target.models: merged into the app's assets
        face_detection.ort, face_emotion_recognition.ort
        face_detection.int8.ort, face_emotion_recognition.int8.ort      (--quantize int8, where NNAPI takes them whole)
        face_detection.fp16.ort, face_emotion_recognition.fp16.ort      (--precision ...=fp16)
        <model>.sample_input.npy, <model>.sample_output.<output>.npy    (--self-check; and
        <model>.<variant>.sample_output.<output>.npy for each fp16 / int8 variant shipped)
      samples/                              SAMPLES: not part of the app
        <model>.sample_input.npy            the model's input for the astronaut photo
        <model>.sample_output.<output>.npy  the source model's output, one file per output
        <model>.<variant>.sample_output.<output>.npy   a shipped fp16 / int8 variant's own outputs
      README.md                             how to add it to an app, what each file is
      manifest.json                         see ``packager.export.manifest``
      required_operators.config             operator list for a reduced ONNX Runtime build

    <out>/ios/                              two Swift packages, each in a folder named after its module
      FaceEmotion/                          the app adds this one (Xcode: Add Package Dependencies ▸ Add Local…)
        Package.swift                       depends on ../FaceEmotionCore and ONNX Runtime (exact version)
        Sources/FaceEmotion/                the pipeline and ModelSession (runtime library)
        Sources/FaceEmotion/Resources/      Target.models: processed resources, flat in Bundle.module
          (the same model and --self-check files as Android)
      FaceEmotionCore/                      depends on nothing: wrappers, frames, types, self-check core
        Package.swift
        Sources/FaceEmotionCore/            the runtime library + the generated Recipes.swift
      FaceEmotionSample/                    a SwiftUI + AVFoundation camera app's sources (not a package)
      samples/, README.md, manifest.json, required_operators.config   (as Android)

``<model>`` is a value of ``MODELS``; ``<output>`` an output tensor name made file-safe
(``file_safe``).

A ``packager convert`` bundle holds one model no recipe knows, named ``<model>`` after its file,
in the same places: ``src/main/assets/<model>.ort`` (Android), ``<Module>/Sources/<Module>/Resources/``
(iOS, ``Target.package_models`` with ``module_name``: the Swift package is the folder ``<out>/ios/<Module>``,
so its SwiftPM identity is its module's name and never clashes with another bundle's), its samples
in ``SAMPLES`` under the same names (a model of several inputs names each input file:
``<model>.sample_input.<input>.npy``), and its code: the generated ``<Module>Runner`` and the
runtime pieces it uses (``codegen.render_runner``), with the Android module's Gradle files / a
generated ``<Module>/Package.swift``;
on Android in its own Kotlin package and Gradle namespace (``codegen.kotlin.runner_package``:
``src/main/kotlin/dev/packager/<module>/``), so that modules compose in one app.
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
#: Folder of the self-check samples at a bundle's root, outside the app.
SAMPLES = "samples"


@dataclass(frozen=True)
class Target:
    """A platform's bundle: the project its developer adds, and where the models go in it.

    Attributes:
        name: bundle folder name (``<out>/<name>``).
        kind: what the bundle folder is, for people (``Android library module``).
        models: folder of the model files inside the bundle: what the app reads at run time (the
            module's assets, the package target's resources).  Flat: no sub-folders.
        language: codegen language of the wrapper; its files are written at the bundle root.
        package_models: the models folder of a one-model bundle (``packager convert``), ``{module}``
            standing for the model's target name (``module_name``).
        package_hint: how such a bundle enters an app (``{models}``: its models folder, ``{file}``:
            the model file, ``{module}``: ``module_name``, ``{runner}``: the runner class).
    """

    name: str
    kind: str
    models: str
    language: str
    package_models: str
    package_hint: str

    def model_path(self, name: str) -> str:
        """Bundle path of a file in the models folder."""
        return f"{self.models}/{name}"


TARGETS = {
    "android": Target("android", "Android library module", "src/main/assets", "kotlin", "src/main/assets",
                      "This folder is an Android library module (`build.gradle.kts`): include it from your "
                      "`settings.gradle.kts` and depend on it; its model is `{models}/{file}`, opened by "
                      "`{runner}.fromAssets(context)`."),
    "ios": Target("ios", "pair of Swift packages", "FaceEmotion/Sources/FaceEmotion/Resources", "swift",
                  "{module}/Sources/{module}/Resources",
                  "The folder `{module}/` here is a Swift package (`{module}/Package.swift`, library `{module}`, "
                  "depending on ONNX Runtime's Swift package only): add it to your app (Xcode: Add Package "
                  "Dependencies > Add Local... > the `{module}` folder; another package: `.package(path: "
                  "\"<path to this folder>/{module}\")` and `.product(name: \"{module}\", package: \"{module}\")`); "
                  "its model is `{models}/{file}`, processed into `Bundle.module` and opened by `{runner}()`. "
                  "It carries its own copies of packager's runtime pieces, so it sits in one app beside the "
                  "face bundle and other `packager convert` bundles."),
}


def model_file(model: str, int8: bool = False) -> str:
    """File name of a model: ``face_detection.ort``, ``face_detection.int8.ort``."""
    return f"{model}.int8.ort" if int8 else f"{model}.ort"


#: The precision variants a model can ship in (``export.precision`` chooses per target).
VARIANTS = ("fp32", "fp16", "int8")


def variant_file(model: str, variant: str) -> str:
    """File name of a model's precision variant (``VARIANTS``): ``face_detection.ort``
    (fp32), ``face_detection.fp16.ort``, ``face_detection.int8.ort``."""
    return f"{model}.ort" if variant == "fp32" else f"{model}.{variant}.ort"


def variant_sample_output(model: str, output: str, variant: str) -> str:
    """File name of a variant's own expected sample output: ``face_detection.sample_output.<output>.npy``
    (fp32), ``face_detection.<variant>.sample_output.<output>.npy`` (fp16, int8)."""
    return sample_output(model if variant == "fp32" else f"{model}.{variant}", output)


def model_files() -> tuple[str, ...]:
    """The fp32 model files an app loads, in pipeline order."""
    return tuple(model_file(m) for m in ROLES)


def sample_input(model: str, input: str | None = None) -> str:
    """File name of a model's sample input: ``face_detection.sample_input.npy``; of one input of a
    model with several (by input name): ``<model>.sample_input.<input>.npy``."""
    return f"{model}.sample_input{'' if input is None else '.' + file_safe(input)}.npy"


def sample_output(model: str, output: str, int8: bool = False) -> str:
    """File name of a model's expected sample output, by output tensor name:
    ``face_detection.sample_output.regressors.npy``, ``face_detection.int8.sample_output.regressors.npy``."""
    return f"{model}{'.int8' if int8 else ''}.sample_output.{file_safe(output)}.npy"


def sample_path(name: str) -> str:
    """Bundle path of a sample file in ``SAMPLES``."""
    return f"{SAMPLES}/{name}"


def package_samples(model: str, inputs: list[str], outputs: list[str]) -> dict[str, dict[str, str]]:
    """Sample files of a model in a package bundle, relative to the bundle root:
    ``{"inputs": {name: "samples/<model>.sample_input.npy"}, "outputs": {name:
    "samples/<model>.sample_output.<file-safe name>.npy"}}``; a model of several inputs names each
    (``<model>.sample_input.<file-safe name>.npy``)."""
    one = len(inputs) == 1
    return {
        "inputs": {n: sample_path(sample_input(model, None if one else n)) for n in inputs},
        "outputs": {n: sample_path(sample_output(model, n)) for n in outputs},
    }


#: Names a package bundle's module never takes (``module_name`` adds ``Model``): the face bundle's
#: Swift packages (a second package of the same folder name is a SwiftPM identity clash) and the
#: public types of the runtime pieces a runner bundle carries and of its generated file (a module
#: that declares a type of its own name breaks qualified names: ``Npy.Npy``).
RESERVED_MODULES = frozenset({
    "FaceEmotion", "FaceEmotionCore", "FaceEmotionSample",
    "Box", "CoreMLOptions", "DetectionInput", "EmotionInput", "EmotionResult", "Face", "PackagerError",
    "Letterbox", "ModelSession", "Npy", "Point", "Precision", "Provider", "Recipes", "SelfCheckResult",
    "SelfCheckSamples",
    "SessionSettings", "TensorSpec",
})


def module_name(model: str) -> str:
    """A model's Swift target / Kotlin class stem: ``face_landmark`` → ``FaceLandmark``; a name in
    ``RESERVED_MODULES`` gets ``Model`` appended (``npy`` → ``NpyModel``)."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", model) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts) or "Model"
    name = name if name[0].isalpha() else "Model" + name
    return name + "Model" if name in RESERVED_MODULES else name


def package_models(t: "Target", model: str) -> str:
    """The models folder of a package bundle for ``model`` (``Target.package_models``)."""
    return t.package_models.format(module=module_name(model))


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def file_safe(name: str) -> str:
    """A tensor name as a file name part."""
    return _SAFE.sub("_", name) or "_"
