"""One model → its verified mobile artifacts (in memory): provider rewrites with proof and
coverage, the fp32 .ort with parity, the optional int8 .ort with agreement, sample tensors.

Nothing here touches the bundle folder; ``bundle`` writes what this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import onnx

from packager import difference, onnxrt
from packager.errors import PackagerError
from packager.export import coverage, fp16, quantize, rewrite
from packager.export import ort as ort_export
from packager.cache import Cache

#: A rewrite must leave every output bit-identical (graph run as written, no ORT fusions).
REWRITE_TOLERANCE = 0.0
#: How many held-out inputs the fp32 parity check runs besides the sample input.
PARITY_EXTRA_INPUTS = 8


@dataclass
class Artifacts:
    """Everything the bundle ships for one model.

    Attributes:
        role: ``face_detection`` or ``face_emotion_recognition`` (the bundle file stem).
        converted: the verified source conversion (``preparation.ConvertedModel``).
        onnx_bytes: the rewritten fp32 ONNX the .ort was made from.
        rewrites: one record per applied rewrite (name, nodes, proof, candidates measured).
        coverage_before / coverage_after: ``coverage.measure`` of the source / rewritten model.
        ort / ort_fixed: runtime-style .ort (shipped) and fixed-style .ort (operator list only).
        parity: the fp32 .ort against the source ONNX.
        sample_inputs: the sample input by input name (the face models: the astronaut);
            sample_outputs: the source ONNX's outputs on it, by output name.
        int8: ``{"ort", "ort_fixed", "agreement", "coverage"}`` when quantized.
        fp16: the same record for the fp16 variant (``fp16.variant``) when made.
    """

    role: str
    converted: object
    onnx_bytes: bytes
    rewrites: list
    coverage_before: dict
    coverage_after: dict
    ort: bytes
    ort_fixed: bytes
    parity: dict
    sample_inputs: dict
    sample_outputs: dict
    int8: dict | None = field(default=None)
    fp16: dict | None = field(default=None)

    @property
    def recipe(self):
        return self.converted.recipe

    @property
    def input_name(self) -> str:
        return self.recipe.input_name

    @property
    def sample_input(self) -> np.ndarray:
        """The sample input of a one-input model (the face models)."""
        (x,) = self.sample_inputs.values()
        return x


def variant(a, name: str) -> dict | None:
    """The record of ``a``'s variant ``name`` (``precision.VARIANTS``) as the bundle writes it:
    ``ort``, ``ort_fixed`` and, for fp16 / int8, the rest of its record; None when not made."""
    if name == "fp32":
        return {"ort": a.ort, "ort_fixed": getattr(a, "ort_fixed", None)}
    return getattr(a, name, None)


def _rank(cov: dict) -> tuple:
    """Higher is better: providers taking the whole model, fewer partitions, more nodes."""
    ps = coverage.PROVIDERS
    return (sum(cov[p]["partitions"] == 1 and cov[p]["supported_nodes"] == cov[p]["nodes"] for p in ps),
            -sum(cov[p]["partitions"] for p in ps),
            sum(cov[p]["supported_nodes"] / max(1, cov[p]["nodes"]) for p in ps))


def prove(original: bytes, rewritten: bytes, feeds: list[dict[str, np.ndarray]]) -> float:
    """Largest output difference of two graphs run as written (no ORT graph optimizations) on
    real inputs (each a dict of inputs by name)."""
    a, b = (onnxrt.session(m, optimize=onnxrt.Optimize.NONE) for m in (original, rewritten))
    return max(difference.max_abs_diff(onnxrt.run(a, f), onnxrt.run(b, f)) for f in feeds)


def _try_rewrites(current: bytes, candidates: list, feeds, cache: Cache):
    """The best-ranking candidate (ties: the first) that improves coverage and is proven
    output-preserving, as (bytes, record); None when no candidate qualifies."""
    measured = [(c, c.model.SerializeToString(deterministic=True)) for c in candidates if c.nodes]
    if not measured:
        return None
    covs = {c.name: coverage.measure(data, cache) for c, data in measured}
    base = _rank(coverage.measure(current, cache))
    record = {"candidates": {n: coverage.brief(v) for n, v in covs.items()}, "proof_inputs": len(feeds)}
    rejected = {}
    # sort(reverse=True) is stable: equal ranks keep the candidates' order
    for c, data in sorted(measured, key=lambda t: _rank(covs[t[0].name]), reverse=True):
        if _rank(covs[c.name]) <= base:
            rejected[c.name] = "does not improve coverage"
            continue
        diff = prove(current, data, feeds)
        if not diff <= REWRITE_TOLERANCE:  # NaN fails too
            rejected[c.name] = f"outputs changed by {diff:.3g}"
            continue
        record.update({"rewrite": c.name, "nodes": c.nodes, "max_abs_diff": diff, "not_chosen": rejected})
        return data, record
    return None


def optimize_for_providers(source: bytes, feeds: list[dict], cache: Cache,
                           groups: tuple = rewrite.GROUPS) -> tuple[bytes, list, dict, dict]:
    """Apply the rewrites that improve provider coverage, each proven on ``feeds`` (dicts of
    inputs by name), group by group (``rewrite.GROUPS``: a group's candidates are alternatives).
    Returns (model bytes, rewrite records, coverage before, coverage after)."""
    before = coverage.measure(source, cache)
    current, records = source, []
    for make in groups:
        model = onnx.load_from_string(current)
        got = _try_rewrites(current, [m(model) for m in make], feeds, cache)
        if got is not None:
            current, rec = got
            records.append(rec)
    return current, records, before, coverage.measure(current, cache)


def fp32_parity(name: str, ort_bytes: bytes, source: bytes, inputs: list[dict[str, np.ndarray]], gate: bool = True) -> dict:
    """The fp32 .ort against its source ONNX (onnxruntime with all optimizations, as the
    reference pipeline runs it), run as stored and with its saved runtime optimizations
    replayed (a phone's CPU fallback); fails when ``difference.scaled_diff`` exceeds
    ``ort.FP32_TOLERANCE`` (with ``gate``; without, only measured: ``build``'s ``judge_ort``
    decides).  The plain absolute difference is recorded too."""
    ref = onnxrt.session(source, ort_format=False)
    expected = [onnxrt.run(ref, f) for f in inputs]
    out = {"inputs": len(inputs), "limit": ort_export.FP32_TOLERANCE, "measure": "max |ort - onnx| / max(1, max |onnx|) per output"}
    for replay, suffix in ((False, ""), (True, "_replayed")):
        sess = onnxrt.session(ort_bytes, ort_format=True, replay=replay)
        got = [onnxrt.run(sess, f) for f in inputs]
        out["max_scaled_diff" + suffix] = max(difference.scaled_diff(g, e) for g, e in zip(got, expected))
        out["max_abs_diff" + suffix] = max(difference.max_abs_diff(g, e) for g, e in zip(got, expected))
        if gate and not out["max_scaled_diff" + suffix] <= ort_export.FP32_TOLERANCE:
            raise PackagerError(
                f"{name}: the .ort differs from its ONNX model by {out['max_scaled_diff' + suffix]:.3g} "
                f"(limit {ort_export.FP32_TOLERANCE:g}); not writing a wrong model"
            )
    return out


def _face_agreement(a: Artifacts, held_out_faces: int):
    """The face models' agreement measure: the same faces (detector) or the same top-1 label
    (emotion), as ``agreement_of(fp32 outputs, variant outputs)``."""
    if a.recipe.role == "detector":
        return lambda ref, got: quantize.detector_agreement(a.recipe, ref, got, held_out_faces)
    return quantize.emotion_agreement


def int8_variant(a: Artifacts, calibration, held_out, held_out_faces: int, minimum: float, cache: Cache) -> dict:
    """The face models' int8 variant (``int8``): agreement is the same faces (detector) or the
    same top-1 label (emotion) on held-out inputs."""
    feed = (lambda x: {a.input_name: x})
    return int8(a, [feed(x) for x in calibration], [feed(x) for x in held_out], _face_agreement(a, held_out_faces),
                quantize.SELF_CHECK["detector" if a.recipe.role == "detector" else "emotion"], minimum, cache)


def fp16_variant(a: Artifacts, held_out, held_out_faces: int, minimum: float, cache: Cache) -> dict:
    """The face models' fp16 variant (``fp16.variant``), gated like int8 on the same held-out
    inputs, its self-check by the same rule."""
    return fp16.variant(a, [{a.input_name: x} for x in held_out], _face_agreement(a, held_out_faces),
                        quantize.SELF_CHECK["detector" if a.recipe.role == "detector" else "emotion"], minimum, cache)


def int8(a: Artifacts, calibration: list[dict], held_out: list[dict], agreement_of, self_check: dict, minimum: float,
         cache: Cache) -> dict:
    """Quantize, convert, measure agreement on held-out inputs (fails below ``minimum``).
    Inputs are dicts by input name; ``agreement_of(fp32 outputs, int8 outputs)`` (one dict of
    outputs per held-out input) returns the agreement record (``percent``, ``agreeing``…).

    The gate runs the int8 .ort as written (its QDQ semantics, the same on every machine); the
    host's fused integer kernels (saved runtime optimizations replayed) are measured beside it."""
    q = quantize.quantize(a.onnx_bytes, calibration, cache)
    q_ort, q_fixed, _ = ort_export.convert(q, cache)
    feeds = [a.sample_inputs] + list(held_out)

    def outputs(model: bytes, replay: bool = False) -> list[dict]:
        sess = onnxrt.session(model, ort_format=True, replay=replay)
        return [onnxrt.run(sess, f) for f in feeds]

    fp32_outs = outputs(a.ort)[1:]
    defined_outs, host_outs = outputs(q_ort), outputs(q_ort, replay=True)
    agreement = agreement_of(fp32_outs, defined_outs[1:])
    host_agreement = agreement_of(fp32_outs, host_outs[1:])
    agreement["semantics"] = "the int8 .ort as written: QuantizeLinear / DequantizeLinear around float operators"
    agreement["minimum"] = minimum
    quantize.check(a.role, agreement, minimum)
    # The host's numbers depend on this machine's CPU: reported by the build, kept out of the
    # bundle (whose bytes are the same on every machine).
    host_kernels = {
        "semantics": "this machine's fused integer kernels (saved runtime optimizations replayed)",
        "agreeing": host_agreement["agreeing"], "percent": host_agreement["percent"],
        "max_gap_percent": quantize.MAX_HOST_GAP, "cpu": quantize.host_cpu(),
        "max_scaled_output_diff": quantize.host_gap(defined_outs, host_outs),
    }
    # What the int8 model itself answers on the sample input, by its defined semantics: an app's
    # self-check of the int8 variant compares against these (``self_check``), not the fp32 outputs.
    return {"ort": q_ort, "ort_fixed": q_fixed, "agreement": agreement, "sample_outputs": defined_outs[0],
            "host_kernels": host_kernels, "self_check": self_check,
            "coverage": coverage.measure(q, cache), "settings": quantize.SETTINGS,
            "calibration_inputs": len(calibration)}


def loadable_ort(role: str, model: bytes, cache: Cache) -> tuple[bytes, bytes]:
    """(runtime-style .ort, fixed-style .ort) of ``model``, the first loaded with its saved runtime
    optimizations replayed (as a phone's full build loads it): onnxruntime 1.24.2 writes some QDQ
    graphs it cannot load back ("Not enough produced nodes in the runtime optimization record":
    an untrained int8 MobileNetV2), which is one line here, not a crash later."""
    ort_bytes, fixed, _ = ort_export.convert(model, cache)
    try:
        onnxrt.session(ort_bytes, ort_format=True, replay=True)
    except Exception as e:  # onnxruntime raises its own exception types
        text = " ".join(str(e).split())
        raise PackagerError(f"{role}: onnxruntime cannot load the ORT format model it wrote ({text[:300]}); "
                            "not writing a model that does not load") from None
    return ort_bytes, fixed


def build(role: str, converted, feeds: list[dict[str, np.ndarray]], cache: Cache, judge_ort=None) -> Artifacts:
    """fp32 artifacts of one model: canonical names, rewrites (proven on every feed), .ort,
    parity against the source ONNX on the sample input (``feeds[0]``) and the next
    ``PARITY_EXTRA_INPUTS`` feeds.  A feed is a dict of inputs by name.

    ``judge_ort(ort bytes)`` (a model no recipe knows): the .ort is judged against the source
    runtime by it (its record lands in ``parity["source"]``) and the distance to the ORT-optimised
    ONNX is only measured: that ONNX is no reference (a fully optimised MobileNetV3 lies 1.6e-3
    from torch, its Runtime-style .ort 6.4e-5, issue 26), and a quantized model's fused integer
    kernels lie steps from its QDQ graph."""
    source = converted.onnx_path.read_bytes()
    named = rewrite.canonical_names(onnx.load_from_string(source)).SerializeToString(deterministic=True)
    model, records, before, after = optimize_for_providers(named, feeds, cache)
    try:
        ort_bytes, fixed = loadable_ort(role, model, cache)
    except PackagerError:
        if not records:
            raise
        # A rewrite onnxruntime cannot write as .ort is not kept: folding a QDQ graph's constant
        # DequantizeLinear nodes lets onnxruntime 1.24.2's WeightBiasQuantization re-quantize the
        # bias into a node it miscounts (FER+ in QDQ form, issue 26).
        model, records, after = named, [], before
        ort_bytes, fixed = loadable_ort(role, model, cache)
    parity = fp32_parity(role, ort_bytes, source, feeds[: 1 + PARITY_EXTRA_INPUTS], gate=judge_ort is None)
    if judge_ort is not None:
        parity["source"] = judge_ort(ort_bytes)
    expected = onnxrt.run(onnxrt.session(source, ort_format=False), feeds[0])
    return Artifacts(role, converted, model, records, before, after, ort_bytes, fixed, parity, feeds[0], expected)
