"""fp16 variants: weights and computation in half precision, inputs and outputs kept float32.

Conversion: ``onnxruntime.transformers.float16.convert_float_to_float16`` with ``keep_io_types``
(a Cast at each graph input and output, so the app feeds and reads the same float32 tensors as
fp32's).  The .ort is written the way every .ort is (``ort.convert``), by onnxruntime's CPU
provider; onnxruntime 1.24.2's CPU provider has no float16 kernel for most of these operators, so
the conversion inserts a Cast pair around each of them (``InsertCastTransformer``, which cannot be
disabled) and that graph is what the .ort stores and what its coverage is measured on
(``coverage.measure``): on Core ML's ML Program format the Casts and the operators go to Core ML
(float16 inputs are taken there only, ``coverage.FLOAT16``), the NeuralNetwork format and NNAPI
refuse the float16 ones.

Agreement with fp32 is gated like int8's (``quantize``): the same faces for the detector, the same
top-1 label for the emotion model, on the same held-out inputs, judged on the .ort as written on
the CPU; the self-check samples are the fp16 model's own outputs, compared by the int8 rule
(``quantize.SELF_CHECK``).
"""

from __future__ import annotations

from packager import onnxrt
from packager.cache import Cache, key, sha256
from packager.errors import PackagerError
from packager.export import coverage
from packager.export import ort as ort_export

SETTINGS = {"format": "float16 weights and activations", "io": "float32 (keep_io_types: a Cast at each input and output)",
            "converter": "onnxruntime.transformers.float16.convert_float_to_float16"}


def convert(onnx_bytes: bytes, cache: Cache) -> bytes:
    """fp32 ONNX → fp16 ONNX with float32 inputs and outputs, cached by model and settings."""

    def build():
        import onnx
        from onnxruntime.transformers.float16 import convert_float_to_float16

        model = convert_float_to_float16(onnx.load_from_string(onnx_bytes), keep_io_types=True)
        return {"onnx": model.SerializeToString(deterministic=True)}, {}

    files, _ = cache.files("fp16", key("fp16", sha256(onnx_bytes), SETTINGS), build, names=("onnx",))
    return files["onnx"]


def variant(a, held_out: list[dict], agreement_of, self_check: dict, minimum: float, cache: Cache) -> dict:
    """The fp16 variant of ``a`` (``artifacts.Artifacts``): converted, written as .ort, run on the
    sample and ``held_out`` inputs (dicts by input name) beside the fp32 .ort;
    ``agreement_of(fp32 outputs, fp16 outputs)`` gives the agreement record, which must reach
    ``minimum`` percent.  Returns the record ``Artifacts.fp16`` holds (shaped like ``int8``'s)."""
    model = convert(a.onnx_bytes, cache)
    ort_bytes, fixed, _ = ort_export.convert(model, cache)
    feeds = [a.sample_inputs] + list(held_out)

    def outputs(data: bytes) -> list[dict]:
        sess = onnxrt.session(data, ort_format=True)
        return [onnxrt.run(sess, f) for f in feeds]

    fp32_outs, fp16_outs = outputs(a.ort), outputs(ort_bytes)
    agreement = agreement_of(fp32_outs[1:], fp16_outs[1:])
    agreement["semantics"] = "the fp16 .ort as written, on onnxruntime's CPU provider"
    agreement["minimum"] = minimum
    if agreement["percent"] < minimum:
        raise PackagerError(
            f"{a.role} fp16 agrees with fp32 on {agreement['percent']:.1f}% of held-out inputs "
            f"({agreement['agreeing']}/{agreement['inputs']}), below the required {minimum:g}%; "
            "do not ask for fp16, or lower the bar with --min-int8-agreement")
    return {"ort": ort_bytes, "ort_fixed": fixed, "agreement": agreement, "sample_outputs": fp16_outs[0],
            "self_check": self_check, "coverage": coverage.measure(model, cache), "settings": SETTINGS}
