"""Swift settings for ``packager.codegen``: the runtime library's files, where files go and how
literals are written.

The output is two Swift packages side by side, each in a folder named after its module (so their
SwiftPM identities are their module names), and the sources of a sample app:

- ``FaceEmotionCore/`` (``CORE``): ``Package.swift`` and, in ``Sources/FaceEmotionCore/``, the pure
  runtime library (frames, wrappers, types, self-check core; no dependency) and one file per
  template (``templates/swift/X.swift.j2`` renders ``X.swift``);
- ``FaceEmotion/`` (``PIPELINE``): ``Package.swift`` (``../FaceEmotionCore`` + ONNX Runtime) and,
  in ``Sources/FaceEmotion/``, ``ModelSession``, ``FaceEmotionPipeline`` and the re-export of the
  core;
- ``FaceEmotionSample/`` (``SAMPLE``): a SwiftUI + AVFoundation camera app's sources (an app's
  files, not a package).

The runtime files live in the repository at ``ios_wrapper/<folder>/…``, reached through
``packager/runtime/ios/<folder>`` (``RUNTIME``, paths relative to ``codegen.RUNTIME``): each is
copied to the same path under the wrapper root (``runtime_path``).
"""

from __future__ import annotations

from packager.codegen import LanguageSettings, RuntimePin, camel, register, shortest
from packager.errors import PackagerError

#: The package manifest, at each package's root.
MANIFEST = "Package.swift"
#: The pure core's package and module; the generated files go in its source folder.
CORE = "FaceEmotionCore"
#: The pipeline's package and module (ONNX Runtime), the one an app adds.
PIPELINE = "FaceEmotion"
#: The sample camera app's folder (sources only: an app target's files).
SAMPLE = "FaceEmotionSample"


def source_dir(module: str) -> str:
    """A package's library target folder: ``<module>/Sources/<module>``."""
    return f"{module}/Sources/{module}"


#: The generated files' folder (the core's library target).
SOURCE_DIR = source_dir(CORE)

_CORE_FILES = ("Antialias", "Bilinear", "CameraFrame", "Config", "Detection", "Errors", "FaceDetectionWrapper",
               "FaceEmotionRecognitionWrapper", "FaceEmotionSteps", "FrameAdapters", "ImageAdapters", "Npy", "Providers",
               "Resample", "SelfCheck", "TensorSpec", "Tracking", "Types")
_PIPELINE_FILES = ("Exports", "FaceEmotionPipeline", "FaceVideoPipeline", "ModelSession", "OnnxRuntimeSupport")
_SAMPLE_FILES = ("FaceEmotionAnalyzer", "FaceEmotionModel", "FaceEmotionSampleApp", "FaceEmotionView")

#: The runtime library, relative to ``codegen.RUNTIME``; ``ios/`` is the wrapper root.
RUNTIME = (
    f"ios/{CORE}/{MANIFEST}", *(f"ios/{SOURCE_DIR}/{name}.swift" for name in _CORE_FILES),
    f"ios/{PIPELINE}/{MANIFEST}", *(f"ios/{source_dir(PIPELINE)}/{name}.swift" for name in _PIPELINE_FILES),
    f"ios/{SAMPLE}/README.md", *(f"ios/{SAMPLE}/{name}.swift" for name in _SAMPLE_FILES),
)

#: The generic runtime pieces a one-model runner (``packager convert``) needs: the session and its
#: providers, tensors, .npy samples, the self-check's measure and result, and the error type
#: ``PackagerError``; copied into the runner's one module (the same pieces as Kotlin's).
RUNNER_RUNTIME = (*(f"ios/{source_dir(PIPELINE)}/{name}.swift" for name in ("ModelSession", "OnnxRuntimeSupport")),
                  *(f"ios/{SOURCE_DIR}/{name}.swift" for name in ("Errors", "Npy", "Providers", "SelfCheck", "TensorSpec")))


def runtime_path(rel: str) -> str:
    """A runtime file's place under the wrapper root: its path below ``ios/``."""
    return rel.removeprefix("ios/")


def runner_path(module: str, name: str) -> str:
    """A runner bundle's file: the package is the folder ``<module>/`` (``<module>/Package.swift``),
    its sources in ``<module>/Sources/<module>/<name>``."""
    return f"{module}/{name}" if name == MANIFEST else f"{source_dir(module)}/{name}"


#: ONNX Runtime's Swift package, as ``Package.swift`` names it: ``.package(url: ONNXRUNTIME.package,
#: exact: "1.24.2")`` (``from:`` is read too, to report it).
ONNXRUNTIME = RuntimePin(
    package="https://github.com/microsoft/onnxruntime-swift-package-manager", file=MANIFEST,
    version=r'"https://github\.com/microsoft/onnxruntime-swift-package-manager",\s*(?:exact|from):\s*"([^"]*)"')


def ort_package_version() -> str:
    """The version of ONNX Runtime's Swift package the pipeline package's ``Package.swift`` pins
    (``exact:``, the one home of that number on iOS): a runner bundle's manifest pins the same."""
    from packager import codegen

    text = (codegen.RUNTIME / "ios" / PIPELINE / MANIFEST).read_text()
    found = ONNXRUNTIME.found(text)
    if len(found) != 1:
        raise PackagerError(f"no ONNX Runtime version in the runtime's {PIPELINE}/{MANIFEST}; reinstall packager")
    return found[0]


#: Swift keywords that need backticks when a recipe name camel-cases into one.
RESERVED = frozenset(
    "associatedtype class deinit enum extension fileprivate func import init inout internal let "
    "open operator private precedencegroup protocol public rethrows static struct subscript "
    "typealias var break case catch continue default defer do else fallthrough for guard if in "
    "repeat return throw switch where while Any as await false is nil self Self super throws "
    "true try".split()
)


def output_path(name: str) -> str:
    """A generated file (``Recipes.swift``) → ``FaceEmotionCore/Sources/FaceEmotionCore/Recipes.swift``."""
    return f"{SOURCE_DIR}/{name}"


def module_of(path: str) -> str | None:
    """The module whose library target holds ``path`` (a wrapper-relative ``.swift`` file):
    ``FaceEmotionCore`` or ``FaceEmotion``; None for a manifest or the sample app."""
    for module in (CORE, PIPELINE):
        if path.startswith(source_dir(module) + "/") and path.endswith(".swift"):
            return module
    return None


def is_source(path: str) -> bool:
    """True for a Swift source of one of the two library targets (not a manifest, not the sample)."""
    return module_of(path) is not None


def double(x: float) -> str:
    """A Double literal: the shortest decimal that round-trips (``0.5``, ``1e-05``)."""
    return shortest(x)


def string(s: str) -> str:
    """A Swift string literal; quotes, backslashes and control characters escaped."""
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def ident(name: str) -> str:
    """Recipe name → Swift identifier (``fer-minixception`` → ``ferMinixception``)."""
    out = camel(name)
    if not out.isidentifier():
        raise ValueError(f"recipe name {name!r} does not make a Swift identifier")
    return f"`{out}`" if out in RESERVED else out


register(  # registers the language (codegen.language("swift")); nothing reads the result
    LanguageSettings(
        name="swift",
        output_path=output_path,
        double=double,
        # Swift infers Float from context for the same decimal text.
        float=double,
        string=string,
        ident=ident,
        runtime=RUNTIME,
        runtime_path=runtime_path,
        runner_runtime=RUNNER_RUNTIME,
        runner_path=runner_path,
        onnxruntime=ONNXRUNTIME,
    )
)
