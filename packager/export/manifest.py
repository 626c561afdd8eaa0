"""``manifest.json``: what a bundle holds and the proof that it is right.

One schema for every bundle (``FORMAT`` 3; 2 had a face bundle's and a ``packager convert``
bundle's models in two different entries, 1 the models in ``assets/`` and the samples beside
them); ``check`` holds a manifest to it.  A face bundle is a bundle of models plus a pipeline:
the keys marked (pipeline) are its alone::

    {"format": 3, "target": "android", "packager_version",
     "onnxruntime_version",             the onnxruntime that wrote and verified the .ort files
     "runtime_package": {"package", "version"},   the ONNX Runtime the app's build asks for
     "ort_format_version",
     "models": {"face_detection": {
         "recipe": {...every recipe field...} (pipeline),
         "source": {"file", "sha256", "package"?, "path"?, "format",
                    "conversion": {"checked_against", "max_diff", "limit"?, "measure"?, "check"?}},
         "notes": [...],                how the samples were chosen, what the conversion changed
         "opset", "opsets": {domain: version},
         "inputs": [{"name", "shape", "dtype", "layout" (pipeline)}], "outputs": [{"name", "shape", "dtype"}],
         "rewrites": [...], "coverage": {"before": {...}, "after": {...}, "complete"},
         "artifacts": {"fp32": {"file" (null where not shipped), "bytes", "parity", "coverage", "operators"},
                       "int8" | "fp16": {"file" (null where not shipped), "bytes", "agreement", "coverage", "settings",
                                "calibration_inputs"?, "operators",
                                "sample_outputs": {"files": {output name: path}, "in_app", "produced_by",
                                                   "self_check"}}},
         "samples": {"inputs": {input name: path}, "outputs": {output name: path},
                     "in_app": null | {"inputs": {input name: path}, "outputs": {output name: path}},
                     "produced_by", "self_check": {"measure", "tolerance"}, "image" (pipeline)},
         "preprocessing": {...}, "labels" | "keypoint_names", "outputs_are_logits"? (pipeline)},
       "face_emotion_recognition": {...}},
     "precision": {"shipped": [variant...], "default": variant, "asked", "rule",
                   "variants": {variant: {"whole", "shipped", "reason", "models": {model: {"whole", "providers"}}}}}
                   (pipeline),
     "required_operators": "required_operators.config",
     "wrapper": {"language", "status", "folder": ".", "files"},   the generated sources (face: the
                                        wrappers; convert: the runner and the runtime pieces it uses)
     "package": {"kind", "models", "samples", "samples_in_app"},
     "files": {relative path: {"sha256", "bytes"}}}

``samples`` are the copies outside the app (``layout.SAMPLES``); ``in_app`` the fp32 copies next
to the models, present with ``packager build --self-check`` (``package.samples_in_app``).

Every path is relative to the bundle root and uses ``/``.  ``files`` lists every file packager
wrote in the bundle except ``manifest.json`` itself: what a rebuild replaces (anything else in the
folder is the app developer's and is kept, ``install``).  No timestamps and no absolute paths: two builds of the
same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import onnx

from packager import layout, recipes
from packager.export import coverage
from packager.errors import PackagerError
from packager.export.ort import FP32_TOLERANCE, ort_summary
from packager.preparation import SUFFIXES

#: The one output measure (``packager.difference.scaled_diff``), as the manifests state it.
SCALED_MEASURE = "max |out - expected| / max(1, max |expected|) per output"

FORMAT = 3
NAME = layout.MANIFEST


def _value_infos(values) -> list[dict]:
    out = []
    for v in values:
        t = v.type.tensor_type
        out.append({
            "name": v.name,
            "shape": [d.dim_value if d.HasField("dim_value") else d.dim_param for d in t.shape.dim],
            "dtype": onnx.helper.tensor_dtype_to_np_dtype(t.elem_type).name,
        })
    return out


def _source(converted) -> dict:
    """Where a model came from and how its conversion was checked; a model of a recipe whose
    weights ship in a package names the package and the file's path in it."""
    src = Path(converted.source)
    out = {"file": src.name, "sha256": converted.source_sha256}
    w = converted.recipe.weights if converted.recipe is not None else None
    if w is not None and w.package and src.as_posix().endswith(w.path):
        out["package"] = w.package
        out["path"] = w.path
    out["format"] = SUFFIXES[src.suffix.lower()]
    conversion = {"checked_against": converted.source_runtime, "max_diff": converted.max_abs_diff}
    c = converted.check
    if c is not None:  # judged by convert.judge (a model no recipe knows): the rule and the whole record
        conversion |= {"limit": c["worst"]["limit"],
                       "measure": SCALED_MEASURE if c["worst"]["measure"] == "scaled"
                       else "max |onnx - source| in steps of the output's quantization scale",
                       "check": c}
    out["conversion"] = conversion
    return out


def _processing(recipe) -> dict:
    if recipe.role == "detector":
        return {
            "preprocessing": {
                "letterbox": f"aspect kept, centred in {recipe.input_size}x{recipe.input_size}, padding {recipe.fill:g}",
                "resize": recipe.resize, "color": recipe.color, "layout": recipe.layout,
                "formula": "x * norm_scale + norm_offset", "norm_scale": recipe.norm_scale,
                "norm_offset": recipe.norm_offset,
            },
            "keypoint_names": list(recipe.keypoint_names),
        }
    return {
        "preprocessing": {
            "crop": f"square, side max(w, h) * {recipe.crop_scale:g}, centred on the face box, fill {recipe.fill:g}",
            "resize": recipe.resize, "color": recipe.color, "layout": recipe.layout,
            "formula": "(x - mean) * scale", "mean": list(recipe.mean), "scale": list(recipe.scale),
            "size": recipe.size,
        },
        "labels": list(recipe.labels),
        "outputs_are_logits": recipe.outputs_are_logits,
    }


def model_entry(a, paths: dict, notes: list[str] | tuple[str, ...] = ()) -> dict:
    """Manifest entry of one model's ``artifacts.Artifacts``, the same for every bundle (a face
    bundle's models add their pipeline part, ``pipeline_entry``).  ``paths``: its bundle files
    (``bundle.bundle_files``): ``fp32`` (None where not shipped), ``inputs`` and ``outputs``
    {tensor name: sample path}, ``in_app`` (None, or the samples' copies in the app: ``inputs``,
    ``outputs``), and per variant shipped ``<variant>``, ``<variant>_sample_outputs``,
    ``<variant>_in_app``.  ``notes``: how its samples were chosen and what the conversion
    changed (made inputs, pinned dimensions, an opset upgrade)."""
    model = onnx.load_from_string(a.onnx_bytes)
    entry = {
        "source": _source(a.converted),
        "notes": list(notes),
        # the default ONNX domain's opset (None: a model of ai.onnx.ml operators only), and every domain's
        "opset": next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None),
        "opsets": {o.domain or "ai.onnx": o.version for o in sorted(model.opset_import, key=lambda o: o.domain)},
        "inputs": _value_infos(model.graph.input),
        "outputs": _value_infos(model.graph.output),
        "rewrites": a.rewrites,
        "coverage": {"before": a.coverage_before, "after": a.coverage_after,
                     "complete": coverage.complete(a.coverage_after)},
        "artifacts": {"fp32": {"file": paths["fp32"], "bytes": len(a.ort), "parity": a.parity,
                               "coverage": "coverage.after", "operators": ort_summary(a.ort)}},
        "samples": {"inputs": paths["inputs"], "outputs": paths["outputs"], "in_app": paths["in_app"],
                    "produced_by": "the converted ONNX model on onnxruntime's CPU provider",
                    "self_check": {"measure": SCALED_MEASURE, "tolerance": FP32_TOLERANCE}},
    }
    for v in ("int8", "fp16"):
        record = getattr(a, v, None)
        if record is not None:
            entry["artifacts"][v] = _variant_entry(v, record, paths)
    return entry


def pipeline_entry(a, paths: dict) -> dict:
    """Manifest entry of a face model (``packager build``): ``model_entry`` and the pipeline part,
    what the reference pipeline and the wrappers run it with: its recipe, its inputs' layout,
    pre-processing, labels or keypoint names, and the photo its sample comes from."""
    entry = model_entry(a, paths, a.converted.notes)
    entry["inputs"] = [dict(v, layout=a.recipe.layout) for v in entry["inputs"]]
    entry["samples"]["image"] = "skimage.data.astronaut()"
    return {"recipe": recipes.as_dict(a.recipe), **entry, **_processing(a.recipe)}


#: How each variant's own sample outputs were produced (the self-check's expected values).
PRODUCED_BY = {
    "int8": "this int8 .ort as written (QDQ semantics: no fusions replayed) on onnxruntime's CPU provider; integer "
            "kernels (NNAPI, ARM, x86) round differently, so compare within self_check.tolerance",
    "fp16": "this fp16 .ort as written on onnxruntime's CPU provider; Core ML's and other float16 kernels round "
            "differently, so compare within self_check.tolerance",
}


def _variant_entry(v: str, record: dict, paths: dict) -> dict:
    """Manifest entry of a model's fp16 / int8 variant; ``file`` and the sample paths are null
    in a bundle that does not ship it (``precision``: why)."""
    out = {"file": paths.get(v), "bytes": len(record["ort"]), "agreement": record["agreement"],
           "coverage": record["coverage"], "settings": record["settings"]}
    if "calibration_inputs" in record:
        out["calibration_inputs"] = record["calibration_inputs"]
    out["operators"] = ort_summary(record["ort"])
    out["sample_outputs"] = {"files": paths.get(f"{v}_sample_outputs"), "in_app": paths.get(f"{v}_in_app"),
                             "produced_by": PRODUCED_BY[v], "self_check": record["self_check"]}
    return out


#: The schema (``check``): the keys of every bundle's manifest, of each model entry, of its
#: samples and of its fp32 artifact; and what a face bundle's pipeline adds.
KEYS = ("format", "target", "packager_version", "onnxruntime_version", "runtime_package", "ort_format_version",
        "models", "required_operators", "wrapper", "package", "files")
MODEL_KEYS = ("source", "notes", "opset", "opsets", "inputs", "outputs", "rewrites", "coverage", "artifacts", "samples")
SAMPLES_KEYS = ("inputs", "outputs", "in_app", "produced_by", "self_check")
FP32_KEYS = ("file", "bytes", "parity", "coverage", "operators")
PIPELINE_KEYS = ("precision",)
PIPELINE_MODEL_KEYS = ("recipe", "preprocessing", "labels", "keypoint_names", "outputs_are_logits")


def schema_problems(m: dict) -> list[str]:
    """How a manifest strays from the one schema (empty when it follows it): a key missing, or
    one the schema does not name."""
    def stray(where: str, d: dict, required: tuple, optional: tuple = ()) -> list[str]:
        return ([f"{where}{k}: missing" for k in required if k not in d]
                + [f"{where}{k}: not in the schema" for k in d if k not in required + optional])

    out = stray("", m, KEYS, PIPELINE_KEYS) + ([] if m.get("format") == FORMAT else [f"format: not {FORMAT}"])
    for name, e in m.get("models", {}).items():
        out += stray(f"models.{name}.", e, MODEL_KEYS, PIPELINE_MODEL_KEYS)
        out += stray(f"models.{name}.samples.", e.get("samples", {}), SAMPLES_KEYS, ("image",))
        out += stray(f"models.{name}.artifacts.fp32.", e.get("artifacts", {}).get("fp32", {}), FP32_KEYS)
        if ("precision" in m) != ("recipe" in e):
            out.append(f"models.{name}: a pipeline's bundle (precision) and only it has recipes")
    return out


def check(m: dict) -> None:
    """Refuse a manifest that strays from the schema: a packager bug, said as one line."""
    problems = schema_problems(m)
    if problems:
        raise PackagerError(f"the bundle manifest strays from its schema (a packager bug): {'; '.join(problems[:3])}")


def file_hashes(root: Path) -> dict:
    """{relative path: {"sha256", "bytes"}} of every file under ``root`` but the manifest, sorted."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel != NAME:
            data = p.read_bytes()
            out[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return out


def dumps(manifest: dict) -> bytes:
    """Stable JSON bytes (insertion order as built, 2-space indent, trailing newline).  A NaN or
    infinity (a measurement of a broken model) is refused: JSON has no such numbers."""
    try:
        return (json.dumps(manifest, indent=2, allow_nan=False) + "\n").encode()
    except ValueError as e:
        raise PackagerError(f"the bundle manifest would hold a non-finite number ({e}); a model output is NaN or Inf") from None


def previous(root: Path) -> dict:
    """The manifest of a bundle folder a previous run wrote, with what a rebuild reads from it:
    ``files`` (what packager wrote there) and ``models``.  A manifest that cannot be read is a
    ``PackagerError``: packager could not tell its own files from the developer's."""
    try:
        m = json.loads((Path(root) / NAME).read_text())
        readable = isinstance(m, dict) and isinstance(m.get("files"), dict) and isinstance(m.get("models"), dict)
    except (OSError, ValueError):
        readable = False
    if not readable:
        raise PackagerError(f"{Path(root) / NAME} cannot be read, so packager cannot tell the files it wrote in "
                            f"{root} from yours; move that folder away or choose another --out")
    return m


def written(root: Path) -> set[str]:
    """What packager wrote in a bundle folder (relative paths): every file its manifest lists and
    the manifest itself."""
    return set(previous(root)["files"]) | {NAME}


def problems(root: Path) -> list[str]:
    """Differences between a bundle folder and its manifest (empty when they agree)."""
    try:
        manifest = json.loads((Path(root) / NAME).read_text())
    except (OSError, ValueError) as e:
        return [f"{NAME} unreadable: {e}"]
    listed, actual = manifest.get("files", {}), file_hashes(Path(root))
    out = [f"missing: {p}" for p in sorted(set(listed) - set(actual))]
    out += [f"not in manifest: {p}" for p in sorted(set(actual) - set(listed))]
    out += [f"changed: {p}" for p in sorted(set(listed) & set(actual)) if listed[p] != actual[p]]
    return out
