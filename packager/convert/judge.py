"""The conversion check of a model no recipe knows: the converted ONNX against every kernel set of
its source runtime, on every check input (the sample, a real photo when the input looks like an
image, random inputs: ``packager.feeds.check_inputs``), worst case reported.

The rule (docs/DESIGN.md, "Pre-quantized models"), per output, per check input, per kernel set:

- a float model: ``difference.scaled_diff`` ≤ ``MAX_CONVERSION_DIFF`` (float32 rounding only);
- a quantized model's output with a fixed quantization scale (an int8/uint8 output, or a float
  output dequantized from one): |ours − theirs| ≤ ``QUANT_STEPS`` steps of that scale.  Integer
  kernels requantize with fixed-point multipliers, onnxruntime's QDQ graph rounds a float: one
  step apart is the same arithmetic, two are not;
- a quantized model's output with no fixed scale (int8 weights, float activations quantized on
  the fly: TFLite's hybrid kernels, fer's emotion model): scaled difference ≤ ``SPREAD_FACTOR`` ×
  the largest scaled difference between the source runtime's own kernel sets (TFLite's reference
  kernels vs XNNPACK) on the check inputs, and never less than ``MAX_CONVERSION_DIFF``.

A kernel set that crashes on the model (TFLite's reference kernels abort on some untrained int8
models) is left out by the caller, which says so; the rule then holds against the others.
"""

from __future__ import annotations

import math

import numpy as np

from packager import difference
from packager.convert import MAX_CONVERSION_DIFF, check_finite
from packager.errors import PackagerError

#: Largest difference, in steps of an output's quantization scale, of a quantized output.
QUANT_STEPS = 1.0
#: An output with no fixed scale may differ by this many times the source runtime's own spread.
SPREAD_FACTOR = 2.0


def _steps(a: np.ndarray, b: np.ndarray, step: float) -> float:
    d = float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)))) / step if np.size(b) else 0.0
    return d if math.isfinite(d) else math.inf


def _scaled(a: np.ndarray, b: np.ndarray) -> float:
    return difference.scaled_diff({"o": a}, {"o": b})


def spread(theirs: dict[str, list[dict]], names: list[str], steps: dict) -> dict[str, float | None]:
    """Per output, the largest difference between two kernel sets of the source runtime over the
    check inputs, in steps of its scale (an output with one) or scaled; None with one kernel set."""
    kernels = list(theirs)
    out: dict[str, float | None] = {}
    for n in names:
        if len(kernels) < 2:
            out[n] = None
            continue
        worst = 0.0
        for i, k in enumerate(kernels):
            for other in kernels[i + 1:]:
                for a, b in zip(theirs[k], theirs[other]):
                    step = steps.get(n)
                    worst = max(worst, _steps(a[n], b[n], step) if step else _scaled(a[n], b[n]))
        out[n] = worst
    return out


def limits(names: list[str], steps: dict | None, spreads: dict) -> dict[str, dict]:
    """Per output: the measure (``steps`` of its scale, or ``scaled``) and its limit."""
    out = {}
    for n in names:
        step = None if steps is None else steps.get(n)
        if steps is None:
            out[n] = {"measure": "scaled", "limit": MAX_CONVERSION_DIFF}
        elif step:
            out[n] = {"measure": "steps", "step": step, "limit": QUANT_STEPS}
        else:
            s = spreads.get(n)
            out[n] = {"measure": "scaled", "limit": max(MAX_CONVERSION_DIFF, SPREAD_FACTOR * s if s else 0.0)}
    return out


def constant_outputs(theirs: list[dict], names: list[str]) -> list[str]:
    """Outputs whose values are the same on every check input: no check on them can fail."""
    if len(theirs) < 2:
        return []
    return [n for n in names if all(np.array_equal(theirs[0][n], t[n]) for t in theirs[1:])]


def judge(path: str, names: list[str], labels: list[str], ours: list[dict], theirs: dict[str, list[dict]],
          runtime: str, steps: dict | None = None, what: str = "ONNX output") -> dict:
    """Check ``ours`` (one dict of outputs per check input, ``labels`` naming the inputs) against
    each kernel set's outputs in ``theirs`` (``{kernel set: [dict per input]}``) by the module's
    rule; ``steps``: None for a float model, else each output's quantization step (None for an
    output with no fixed scale).  Returns the record; a failure is one line naming the worst
    output, input and kernel set."""
    if not theirs:
        raise PackagerError(f"{path}: no kernel set of {runtime} ran it; nothing to check the conversion against")
    for k, outs in theirs.items():
        for label, t in zip(labels, outs):
            check_finite(path, names, [t[n] for n in names], f"{runtime} {k} on {label}".replace("  ", " "))
    spreads = spread(theirs, names, steps or {})
    rule = limits(names, steps, spreads)
    worst = {"ratio": -1.0}
    for k, outs in theirs.items():
        for label, o, t in zip(labels, ours, outs):
            for n in names:
                if np.shape(o[n]) != np.shape(t[n]):
                    raise PackagerError(f"conversion of {path} is wrong: output {n!r} has shape {list(np.shape(o[n]))}, "
                                        f"{runtime}'s is {list(np.shape(t[n]))}")
                r = rule[n]
                d = _steps(o[n], t[n], r["step"]) if r["measure"] == "steps" else _scaled(o[n], t[n])
                ratio = d / r["limit"] if math.isfinite(d) else math.inf
                if ratio > worst["ratio"]:
                    worst = {"ratio": ratio, "diff": d, "output": n, "input": label, "kernels": k, **r}
    record = {"checked_against": runtime, "kernels": list(theirs), "inputs": labels, "outputs": rule,
              "spread": spreads, "worst": worst, "constant_outputs": constant_outputs(next(iter(theirs.values())), names)}
    if not worst["ratio"] <= 1.0:
        raise PackagerError(f"conversion of {path} is wrong: {what} {worst['output']!r} differs from "
                            f"{describe(runtime, worst['kernels'])} on {worst['input']} by {measure_text(worst)}; "
                            "the model may use an operator the converter mishandles")
    return record


def describe(runtime: str, kernels: str) -> str:
    return f"{runtime} ({kernels})" if kernels else runtime


def measure_text(w: dict) -> str:
    """``0.3 steps of its scale 0.0039 (limit 1)`` / ``0.0021 scaled (limit 0.0001)``."""
    if w["measure"] == "steps":
        return f"{w['diff']:.3g} steps of its scale {w['step']:.3g} (limit {w['limit']:g})"
    return f"{w['diff']:.3g} (scaled; limit {w['limit']:.3g})"
