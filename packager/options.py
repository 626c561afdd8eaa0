"""What each command takes: one frozen dataclass per command, built by ``packager.cli`` from the
command line and read by ``packager.commands.<command>``.  Light on purpose (no numpy): the CLI
imports it for ``--help``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packager import difference, layout, recipes


@dataclass(frozen=True)
class RunOptions:
    """``packager run``: the reference pipeline on images and videos.

    Attributes:
        images: image files, video files (by suffix), folders and quoted glob patterns, as given;
            a folder or a pattern selects throughput mode for the images.
        emotion_recipe: the emotion model's recipe name (``recipes.EMOTIONS``); default
            ``recipes.DEFAULT_EMOTION``, whose weights ship with the install.
        emotion_model: path of that recipe's model file; None: the shipped weights (required for
            recipes whose weights are not redistributed).
        json: print JSON instead of text.
        annotate: path of the picture (.png/.jpg) or video (.mp4) to draw the faces on; one input
            only.  None: nothing drawn.
        threads: onnxruntime intra-op threads per model, ≥ 0 (0: onnxruntime's default); default 1,
            the fastest on these small models (``packager bench``).
        workers: worker processes in throughput mode, ≥ 1; None: one per core.  More than 1
            selects throughput mode.
        detector: a detector recipe name (``recipes.DETECTORS``) or ``recipes.AUTO_DETECTOR``
            (the default): both, keeping per image the faces of the one that finds more.
        every: videos: analyse frames 0, every, 2·every, …; ≥ 1, default 1 (every frame).
        csv: path of the .csv to write one row per face per analysed frame to; None: no table.
    """

    images: tuple[str, ...]
    emotion_recipe: str = recipes.DEFAULT_EMOTION
    emotion_model: str | None = None
    json: bool = False
    annotate: str | None = None
    threads: int = 1
    workers: int | None = None
    detector: str = recipes.AUTO_DETECTOR
    every: int = 1
    csv: str | None = None


@dataclass(frozen=True)
class ParityOptions:
    """``packager parity``: the generated Kotlin/Swift cores against the reference.

    Attributes:
        images: image files and video files (each analysed frame an image case; the frame
            sequence goes through each language's tracker).
        langs: the generated cores to check, in order (``packager.parity.LANGUAGES``).
        emotion_recipe: the emotion model's recipe name; default ``recipes.DEFAULT_EMOTION``.
        emotion_model: path of that recipe's model file; None: the shipped weights.
        detector: a detector recipe name; default ``recipes.DEFAULT_DETECTOR``.
        frame: the camera frame layout each image is fed as (a key of ``packager.parity.FRAMES``);
            default ``"rgb"``, the plain pixels.
        rotation: clockwise degrees (0, 90, 180, 270) the frame must turn to be upright (Android
            ``rotationDegrees``); default 0.  Needs a ``frame`` other than ``"rgb"``.
        mirrored: the upright frame is mirrored (a front camera); default False.
        every: videos: frames 0, every, 2·every, …; ≥ 1, default 1.
    """

    images: tuple[str, ...]
    langs: tuple[str, ...]
    emotion_recipe: str = recipes.DEFAULT_EMOTION
    emotion_model: str | None = None
    detector: str = recipes.DEFAULT_DETECTOR
    frame: str = "rgb"
    rotation: int = 0
    mirrored: bool = False
    every: int = 1


@dataclass(frozen=True)
class BenchOptions:
    """``packager bench``: the reference pipeline, its floor and the peers, timed in one run.

    Attributes:
        images: images to time; empty (the default): the astronaut photo from scikit-image.
        repeats: timed warm runs per contender, ≥ 1; default 100.
        cold_repeats: fresh processes per cold-start row, ≥ 1; default 3.
        threads: onnxruntime intra-op threads per model, ≥ 0 (0: onnxruntime's default);
            default 1 (the bench times the other setting beside it).
        json: print JSON instead of markdown tables.
        skip: sections left out (``packager.bench.SKIPPABLE``); their rows say so.
        html: path of a self-contained page of the tables as charts; None: none written.
        detector: the detector recipe timed first; default ``recipes.DEFAULT_DETECTOR`` (the
            other detector is timed beside it).
    """

    images: tuple[str, ...] = ()
    repeats: int = 100
    cold_repeats: int = 3
    threads: int = 1
    json: bool = False
    skip: tuple[str, ...] = ()
    html: str | None = None
    detector: str = recipes.DEFAULT_DETECTOR


# --- packager build, packager convert (the export commands) ---


@dataclass(frozen=True)
class BuildOptions:
    """What ``packager build`` was asked for.

    Attributes:
        targets: bundle names, each from ``layout.TARGETS``.
        out: output folder, as given (``''`` is refused, not taken for ``.``); bundles go to
            ``out/<target>``, the build report to ``out/report.html``.
        quantize: ``None`` or ``"int8"``: also make int8 (QDQ) models, and an fp16 variant.
        min_int8_agreement: percent (0–100) of held-out inputs an int8 or fp16 artifact must agree
            with fp32 on.
        emotion_recipe: the emotion model's recipe name (``recipes.EMOTIONS``).
        emotion_model: its model file, or None for the recipe's own weights.
        detector: the detector recipe name (``recipes.DETECTORS``).
        self_check: also put the self-check samples in the app, next to the models (by default
            they are only in the bundle's ``samples/``, outside the app).
        onnxruntime_version: the ONNX Runtime the bundles' packages ask for; None: packager's
            (``ortversion.runtime_version`` states the rule).
        precision: the ``--precision`` values as given (``[TARGET=]VARIANT,...``, the first
            variant the default; ``export.precision.parse`` reads them); a target not named gets
            ``export.precision.choose``'s rule.
        json: print the summary as JSON instead of text.
    """

    targets: tuple[str, ...] = tuple(layout.TARGETS)
    out: str | Path = "dist"
    quantize: str | None = None
    min_int8_agreement: float = difference.DEFAULT_MIN_AGREEMENT
    emotion_recipe: str = recipes.DEFAULT_EMOTION
    emotion_model: str | None = None
    detector: str = recipes.DEFAULT_DETECTOR
    self_check: bool = False
    onnxruntime_version: str | None = None
    precision: tuple[str, ...] = ()
    json: bool = False


@dataclass(frozen=True)
class ConvertOptions:
    """What ``packager convert`` was asked for.

    Attributes:
        model: the model file (``.tflite``, ``.onnx``, ``.pt``/``.pth`` TorchScript).
        samples: ``-i`` options: one ``.npy`` per model input, by order or ``NAME=PATH``.
        shapes: ``--shape NAME=D,D,…`` options (inputs given no sample).
        targets: bundle names, each from ``layout.TARGETS``.
        out: output folder (bundles go to ``out/<target>``), as given (``''`` is refused, not
            taken for ``.``); None: ``dist/<model>``.
        quantize: ``None`` or ``"int8"`` (needs ``calibration``).
        calibration: folder of ``.npy`` inputs to calibrate int8 on (every 4th held out).
        min_int8_agreement: percent (0–100) of held-out inputs on which every int8 output must
            agree with the source runtime by ``export.int8gate``'s rule.
        onnxruntime_version: the ONNX Runtime the bundles' packages ask for; None: packager's
            (``ortversion.runtime_version`` states the rule).
        json: print the summary as JSON instead of text.
    """

    model: str
    samples: tuple[str, ...] = ()
    shapes: tuple[str, ...] = ()
    targets: tuple[str, ...] = tuple(layout.TARGETS)
    out: str | Path | None = None
    quantize: str | None = None
    calibration: str | None = None
    min_int8_agreement: float = difference.DEFAULT_MIN_AGREEMENT
    onnxruntime_version: str | None = None
    json: bool = False

    @property
    def name(self) -> str:
        """The model's bundle name: its file stem, file-safe."""
        return layout.file_safe(Path(self.model).stem)

    @property
    def folder(self) -> Path:
        """Where the bundles go: ``out``, else ``dist/<name>``."""
        return Path(self.out) if self.out is not None else Path("dist") / self.name
