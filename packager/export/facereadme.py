"""The face bundle's README (``packager build``): the integration steps, the API reference, what
is in the bundle, its models and the precision choice.  A ``packager convert`` bundle's README is
``modelbundle.readme``; the lines both say are in ``bundle``."""

from __future__ import annotations

from packager import layout, ortversion
from packager.errors import PackagerError
from packager.export import artifacts as art
from packager.export import coverage, precision
from packager.export.bundle import OPERATORS_LINE, runtime_fields, runtime_text
from packager.layout import Target


_ANDROID_STEPS = """## Add it to your app

This folder is an Android library module (namespace `dev.packager.face`). Use it where it is, or
copy it into your project first; do not edit it. Modules written by `packager convert` have
namespaces of their own (`dev.packager.<model>`): include any number of them beside this one.

1. In your project's `settings.gradle.kts`:

   ```kotlin
   include(":face")
   project(":face").projectDir = file("<path to this folder>")
   ```

2. In your app module's `build.gradle.kts`:

   ```kotlin
   dependencies {
       implementation(project(":face"))
   }
   ```

3. Sync Gradle. The models in `{models}/` are merged into the app's assets, where
   `FaceEmotionPipeline.fromAssets(context)` finds them. onnxruntime-android comes with the module
   (the version that wrote the models; see `build.gradle.kts`).

To try it first, open `sample/` in Android Studio: a camera app on this module (see "Sample app").
"""

_IOS_STEPS = """## Add it to your app

This folder holds two Swift packages, each in a folder named after its module, and a sample app.
Use them where they are, or copy this folder into your project first (keep the two package
folders side by side); do not edit them.

- `FaceEmotion/`: the package your app adds. `FaceEmotionPipeline` and `ModelSession` on ONNX
  Runtime, the models in `{models}/`. It depends on `../FaceEmotionCore` and on
  [onnxruntime-swift-package-manager](https://github.com/microsoft/onnxruntime-swift-package-manager)
  at exactly the version its `Package.swift` names: the onnxruntime that wrote and verified the
  `.ort` files (`onnxruntime_version` in `manifest.json`). It re-exports the core: `import
  FaceEmotion` is all an app writes.
- `FaceEmotionCore/`: depends on nothing. The wrappers' pre- and post-processing, camera frames,
  the result types, the recipes, `.npy` and the self-check's measure.
- `FaceEmotionSample/`: a SwiftUI + AVFoundation camera app's source files (see below).

1. Xcode 16.3 or later: File ▸ Add Package Dependencies… ▸ Add Local… and choose the
   `FaceEmotion` folder; Add Package; add the `FaceEmotion` library to your app target. Xcode
   resolves `FaceEmotionCore` beside it and fetches ONNX Runtime's Swift package (product
   `onnxruntime`, module `OnnxRuntimeBindings`).
2. `import FaceEmotion`. The models in `{models}/` are the package's processed resources, flat
   in its resource bundle, where `FaceEmotionPipeline()` finds them.
3. For the camera: add `NSCameraUsageDescription` (Privacy – Camera Usage Description) to the
   app's Info.plist. Run on a device (the Simulator has no camera and no Neural Engine).

Or, in another package's `Package.swift`: `.package(path: "<path to this folder>/FaceEmotion")`
and the product `.product(name: "FaceEmotion", package: "FaceEmotion")` (a local package's
identity is its folder's name). For pre- and post-processing around your own inference, without
ONNX Runtime: `.package(path: "<path to this folder>/FaceEmotionCore")`,
`.product(name: "FaceEmotionCore", package: "FaceEmotionCore")`, `import FaceEmotionCore`.
There are no package traits: nothing is switched off by a build setting.

`packager convert` bundles are packages named after their model (`<out>/ios/<Module>/`) and sit
in the same app; each carries its own copies of the runtime pieces (`ModelSession`,
`SessionSettings`, `TensorSpec`, ...), so where a file imports two bundles, qualify those names
(`FaceEmotion.SessionSettings`).

## API

```swift
let pipeline = try FaceEmotionPipeline()               // both models; Core ML, CPU fallback
let results: [FaceResult] = try pipeline.run(cgImage)  // best face first
for r in results {
  print(r.face.box, r.face.score, r.emotion?.topLabel ?? "?", r.emotion?.topProbability ?? 0)
}
```

- `FaceEmotionPipeline.run(_:)` takes a `CGImage`, a `UIImage`, a camera frame
  (`CMSampleBuffer` or `CVPixelBuffer` with a `CGImagePropertyOrientation`: 420f/420v/BGRA/RGBA
  read in place and turned upright while sampled), a `CameraFrame`, or RGBA bytes
  (`run(pixels:width:height:)`).
- `FaceResult`: `face: Face`, `emotion: EmotionResult?` (nil when the face's crop or the model's
  output was unusable). `Face`: `box: Box` (`xmin`, `ymin`, `xmax`, `ymax`, in the upright
  image's pixels), `keypoints: [Point]` (in `DetectorRecipe.keypointNames` order), `score`
  (0...1), `normalizedBox` / `normalizedKeypoints` (0...1 across the letterboxed model input).
  `EmotionResult`: `probabilities`, `labels`, `topIndex`, `topLabel`, `topProbability`.
- `PipelineOptions(scoreThreshold:iouThreshold:maxFaces:session:precision:)`: thresholds in 0...1 (nil:
  the detector recipe's), at most `maxFaces` faces (nil: all), `precision` (`.fp32`, `.fp16`,
  `.int8`: which shipped variant opens; default `Recipes.defaultPrecision`, this bundle's, see
  "Precision" below) and `session: SessionSettings` for both models: `provider` `.coreML(CoreMLOptions())` (default) or `.cpu`; `cpuFallback`
  (default true); `intraOpThreads` (0: ONNX Runtime chooses); `configureSession`, a hook called
  with ONNX Runtime's `ORTSessionOptions` before each session opens. `CoreMLOptions`:
  `computeUnits` (`.all` default, `.cpuAndNeuralEngine`, `.cpuAndGPU`, `.cpuOnly`),
  `modelFormat` (`.mlProgram` default: Core ML 5, iOS 15+, which is the package's minimum;
  `.neuralNetwork`), `modelCacheDirectory` (default `<Caches>/FaceEmotion/CoreML`: Core ML
  compiles each model once, not at every launch), `staticInputShapes` (default true).
- Providers: `pipeline.requestedProviders` (what was asked for) and `pipeline.providersInUse`
  (model file stem → `"CoreML"` or `"CPU"`: the provider registered with the session that runs,
  after any CPU fallback); a session's `requestedProvider`, `providerInUse` and
  `fallbackReason` (why it fell back; the fallback is also logged, subsystem `FaceEmotion`).
  That is the session's provider, not where each node runs: ONNX Runtime's Objective-C API does
  not report per-node assignment, and nodes Core ML cannot take run on the CPU inside a
  `"CoreML"` session. How much of each model Core ML takes (nodes, partitions) was measured at
  build time: `manifest.json`, `models.<model>.coverage.after`.
- Threads: `FaceEmotionPipeline` and `ModelSession` are `Sendable` classes: open one pipeline
  (off the main actor: Core ML compiles at the first launch) and share it between the capture
  queue, tasks and actors. Each model's runs are serialized by its session's lock; pre- and
  post-processing run in parallel. `close()` waits for running runs; later runs throw. Every
  result, option and wrapper type is a `Sendable` value.
- Errors: one type, `PackagerError`, each case with a one-line `description`:
  `.invalidImage`, `.invalidBox`, `.invalidTensor`, `.invalidConfig` (bad input or options),
  `.invalidFile` (a self-check sample missing or not float32 `.npy`), `.modelMismatch` (a model
  whose input or output names or shapes are not the configured ones), `.modelLoad` (a model not
  in the bundle, or what ONNX Runtime refused when opening it: its message, domain and code),
  `.inference` (ONNX Runtime failed during a run) and `.closed` (a call after `close()`); the
  same nine as the Android bundle's `PackagerException` subclasses.
- Self-check: built with `--self-check`, `try pipeline.selfCheck()` runs each model on its
  bundled sample in a CPU session and returns one `SelfCheckResult` per model (`model`,
  `provider`, `scaledDiff`, `tolerance`, `passed`; the pipeline's own Core ML session's
  difference beside it, `acceleratorProvider` / `acceleratorScaledDiff`, not judged: Core ML
  computes in float16), against the opened variant's own expected outputs. Without the samples
  in the app it throws `.invalidFile`.
- Your own inference: `FaceDetectionWrapper().preprocess(…)` → `DetectionInput` (`tensor`,
  `shape`, `letterbox`), run the detector, `postprocess(regressors:classificators:input:)` →
  `[Face]`; `FaceEmotionRecognitionWrapper().preprocess(image, face)` → `EmotionInput`,
  `postprocess(output:)` → `EmotionResult`. `ModelSession(model:inputs:outputs:settings:)` runs
  any model on named float32 tensors.

## Sample app

`FaceEmotionSample/` holds a minimal SwiftUI + AVFoundation camera app: the front camera's
frames go through the pipeline on the capture queue, the view shows the providers and one line
per face. Its `README.md` says how to make it an Xcode app target (iOS 17+). It compiles under
Xcode 26's project defaults (Swift 6, main-actor default isolation) and without them: the capture
delegate and the camera are `nonisolated`, results hop to the main actor.
"""

#: The literal integration steps of each target's bundle README (``{models}``: its models folder).
STEPS = {"android": _ANDROID_STEPS, "ios": _IOS_STEPS}

#: "What is here" lines of a target's bundle beyond the models, samples and root files.
CONTENTS = {"android": ("- `sample/`: the sample app, an app module of its own on this one (not part of the library).",)}

#: Each target's API reference, one home beside its runtime library (relative to
#: ``codegen.RUNTIME``), put into the bundle README whole but for its title and first paragraph.
API_REFERENCE = {"android": "android/API.md"}


def api_reference(t: Target) -> list[str]:
    """The README lines of ``t``'s API reference (none for a target without one)."""
    from packager import codegen

    if t.name not in API_REFERENCE:
        return []
    path = codegen.RUNTIME / API_REFERENCE[t.name]
    if not path.is_file():
        raise PackagerError(f"the {t.name} API reference is missing ({path}); reinstall packager")
    text = path.read_text(encoding="utf-8")
    body = text.split("\n## ", 1)[1]  # from the first section: the title and its paragraph are the repository's
    return ["## " + body.rstrip("\n"), ""]


def readme(t: Target, models: dict[str, art.Artifacts], self_check: bool = False, runtime: dict | None = None,
           choice: dict | None = None) -> str:
    runtime = runtime or runtime_fields(t, ortversion.ONNXRUNTIME_VERSION)
    choice = choice or precision.choose(models, t.name)
    lines = [f"# Face pipeline: {t.kind}", "", STEPS[t.name].replace("{models}", t.models), runtime_text(t, runtime), "",
             *api_reference(t),
             "## What is here", "",
             f"- `{t.models}/`: the models the app loads"
             + (" and the self-check samples (built with `--self-check`), which the pipeline's `selfCheck()` "
                "runs on the device." if self_check else "."),
             f"- `{layout.SAMPLES}/`: per model the sample input (the astronaut photo, preprocessed) and the expected "
             "outputs, outside the app"
             + (" (they are also in the app)." if self_check else
                "; `packager build --self-check` also puts them next to the models, for the pipeline's "
                "on-device `selfCheck()`."),
             *CONTENTS.get(t.name, ()),
             OPERATORS_LINE,
             "- `manifest.json`: shapes, preprocessing, labels, provider coverage, parity, the precision choice, where "
             "every file is and its sha256. Those files are packager's: a rebuild replaces them and keeps anything you "
             "add to this folder (`build/`, `.gradle/`, `local.properties`, `.build/`, `.swiftpm/`).",
             "", "Models:"]
    for role, a in models.items():
        if "fp32" in choice["shipped"]:
            lines.append(f"- `{layout.model_file(role)}`: {a.recipe.name}, fp32; "
                         + "; ".join(f"{p} {v}" for p, v in coverage.brief(a.coverage_after).items()))
        for v in ("int8", "fp16"):
            record = art.variant(a, v)
            if record is None or v not in choice["shipped"]:
                continue
            expected = ", ".join(f"`{layout.sample_path(layout.variant_sample_output(role, n, v))}`"
                                 for n in record["sample_outputs"])
            kind = "int8 (QDQ)" if v == "int8" else "fp16 (float32 inputs and outputs)"
            how = "its QDQ graph as written" if v == "int8" else "on the CPU"
            lines.append(f"- `{layout.variant_file(role, v)}`: {kind}, agrees with fp32 on "
                         f"{record['agreement']['percent']:.1f}% of held-out inputs ({how}); "
                         + "; ".join(f"{p} {c}" for p, c in coverage.brief(record["coverage"]).items())
                         + ". Self-check: " + f"{expected} hold its outputs as written; other kernels "
                         "round differently, so compare " + _self_check_text(record["self_check"]))
    lines += ["", "## Precision", "",
              f"The app opens `{choice['default']}` unless `PipelineOptions.precision` says otherwise "
              f"(this bundle ships {', '.join(choice['shipped'])}). Rule: {choice['rule']}.", ""]
    lines += [f"- {v}: {r['reason']}." for v, r in choice["variants"].items()]
    return "\n".join(lines) + "\n"


def _self_check_text(c: dict) -> str:
    return c["measure"] + ("" if c["tolerance"] is None else f" <= {c['tolerance']:g}")
