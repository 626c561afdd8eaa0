"""What each command takes: one frozen dataclass per command, built by ``packager.cli`` from the
command line and read by ``packager.commands.<command>``.  Light on purpose (no numpy): the CLI
imports it for ``--help``."""

from __future__ import annotations

from dataclasses import dataclass

from packager import recipes


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
