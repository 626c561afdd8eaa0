"""Swift settings for ``packager.codegen``: the runtime library's files, where files go and how
literals are written.

The output is the Swift package ``ios_wrapper/``: ``Package.swift`` at its root (runtime) and,
in ``Sources/FaceEmotion/`` (module ``FaceEmotion``), the runtime library (``RUNTIME``, copied)
and one file per template (``templates/swift/X.swift.j2`` renders ``X.swift``).
"""

from __future__ import annotations

import re

from packager.codegen import LanguageSettings, camel, register, shortest
from packager.errors import PackagerError

#: The library target inside the Swift package (runtime library + generated files).
SOURCE_DIR = "Sources/FaceEmotion"

#: The package manifest, at the package root.
MANIFEST = "Package.swift"

#: The runtime library, relative to ``codegen.RUNTIME`` (``swift/`` is the package's source folder,
#: ``ios/`` its root files).
RUNTIME = (f"ios/{MANIFEST}", *(f"swift/{name}.swift" for name in (
    "CameraFrame", "Config", "Detection", "FaceDetectionWrapper", "FaceEmotionPipeline", "FaceEmotionRecognitionWrapper",
    "FaceEmotionSteps", "FaceVideoPipeline", "FrameAdapters", "ImageAdapters", "ModelSession", "Npy", "Providers",
    "Resample", "SelfCheck", "TensorSpec", "Tracking", "Types")))

#: The generic runtime pieces a one-model runner (``packager convert``) needs: the session and its
#: providers, tensors, .npy samples, the self-check's measure and result, and ``Types.swift`` for
#: the error type ``FaceWrapperError``.
RUNNER_RUNTIME = tuple(f"swift/{name}.swift" for name in ("ModelSession", "Npy", "Providers", "SelfCheck", "TensorSpec",
                                                            "Types"))


def runner_path(module: str, name: str) -> str:
    """A runner bundle's file: ``Sources/<module>/<name>``; ``Package.swift`` at the root."""
    return name if name == MANIFEST else f"Sources/{module}/{name}"


def ort_package_version() -> str:
    """The version of ONNX Runtime's Swift package the runtime's ``Package.swift`` asks for (the
    one home of that number on iOS): a runner bundle's manifest asks for the same."""
    from packager import codegen

    text = (codegen.RUNTIME / "ios" / MANIFEST).read_text()
    found = re.findall(r'onnxruntime-swift-package-manager",\s*from:\s*"([0-9.]+)"', text)
    if len(found) != 1:
        raise PackagerError(f"no ONNX Runtime version in the runtime's {MANIFEST}; reinstall packager")
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
    """``FaceDetectionWrapper.swift`` → ``Sources/FaceEmotion/FaceDetectionWrapper.swift``;
    ``Package.swift`` stays at the package root."""
    return name if name == MANIFEST else f"{SOURCE_DIR}/{name}"


def is_source(path: str) -> bool:
    """True for a Swift source of the library target (not the package manifest)."""
    return path.startswith(SOURCE_DIR + "/") and path.endswith(".swift")


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


SWIFT = register(
    LanguageSettings(
        name="swift",
        output_path=output_path,
        double=double,
        # Swift infers Float from context for the same decimal text.
        float=double,
        string=string,
        ident=ident,
        runtime=RUNTIME,
        runner_runtime=RUNNER_RUNTIME,
        runner_path=runner_path,
    )
)
