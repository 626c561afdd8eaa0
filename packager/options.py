"""What each command takes: one frozen dataclass per command, built by ``packager.cli`` from the
command line and read by ``packager.commands.<command>``.  Light on purpose (no numpy): the CLI
imports it for ``--help``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packager import difference, layout, recipes

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
