"""The int8 gate of a model no recipe knows (``packager convert --quantize int8``): how often the
int8 model answers what the source runtime answers, output by output, on held-out inputs.

The reference is the source runtime itself (TFLite's kernel sets, torch, onnxruntime on the
original file: ``preparation.source_outputs``), every kernel set of it, as the conversion is
judged (``convert.judge``): not the fp32 ``.ort`` nor an ORT-optimised ONNX, which may be the less
accurate side (a fully optimised MobileNetV3 lies 1.6e-3 from torch, issue 26).

Per held-out input, per output, against each kernel set, with ``e`` the element-wise scaled error
|int8 − source| / max(1, max |source|) (``difference.scaled_diff``'s scale, per output):

- ``mean(e) ≤ MEAN_LIMIT`` — the output as a whole;
- ``p99(e) ≤ P99_LIMIT`` (99th percentile of the elements, linear interpolation) — all but the
  last percent of its elements.  Not the largest element: a detector's 896 anchors × 16
  regressors hold a few on empty anchors where nothing depends on them (BlazeFace: mean 1.5 %
  while one anchor is 0.48 off, issue 26); a classifier's few scores make p99 its largest one;
- a classifier-shaped output (``classifier_shaped``: one dimension larger than 1, one vector of
  scores per input) has the same argmax, unless the source's top two lie within ``TIE`` (scaled)
  of each other: a flip inside the error the rule allows is no disagreement.

An input agrees when every output meets all three against every kernel set; the gate is the share
of agreeing held-out inputs against ``--min-int8-agreement``.  The limits were chosen from
measurements on real models (``python -m packager.bench.int8_gate``, docs/DESIGN.md "int8 of a
model no recipe knows").
"""

from __future__ import annotations

import math

import numpy as np

#: Largest mean scaled error of an output.
MEAN_LIMIT = 0.05
#: Largest 99th-percentile scaled error of an output.
P99_LIMIT = 0.5
#: Top two source scores within this (scaled) of each other: argmax not judged.
TIE = 0.02
RULE = (f"per output against the source runtime: mean scaled error <= {MEAN_LIMIT:g}, 99th percentile <= "
        f"{P99_LIMIT:g}, same argmax for a classifier-shaped output (top two within {TIE:g}: a tie)")


def classifier_shaped(shape: tuple[int, ...]) -> bool:
    """One vector of scores per input: exactly one dimension larger than 1 (``[1, 1000]``,
    ``[1, 7]``, ``[1, 10, 1, 1]``)."""
    return sum(int(d) > 1 for d in shape) == 1


def output_errors(ours: np.ndarray, theirs: np.ndarray) -> dict:
    """``{"mean", "p99", "max", "same_top1", "margin"}`` of one output (module docstring);
    ``same_top1`` (whether the argmax is the same) and ``margin`` (the source's top two apart,
    scaled) are None for an output that is not classifier-shaped."""
    a, b = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    out = {"mean": 0.0, "p99": 0.0, "max": 0.0, "same_top1": None, "margin": None}
    if not b.size:
        return out
    scale = max(1.0, float(np.max(np.abs(b))))
    e = np.abs(a - b).ravel() / scale
    if classifier_shaped(b.shape):
        top2 = np.sort(b.ravel())[-2:]
        out.update(same_top1=bool(np.argmax(a) == np.argmax(b)), margin=float(top2[1] - top2[0]) / scale)
    if not np.all(np.isfinite(e)):
        return out | {"mean": math.inf, "p99": math.inf, "max": math.inf, "same_top1": False if out["margin"] is not None else None}
    return out | {"mean": float(e.mean()), "p99": float(np.percentile(e, 99)), "max": float(e.max())}


def judged_argmax(err: dict, tie: float = TIE) -> bool | None:
    """Whether the top-1 is the same; None when not judged (not classifier-shaped, or a tie)."""
    return None if err["same_top1"] is None or not err["margin"] > tie else err["same_top1"]


def passes(err: dict, mean: float = MEAN_LIMIT, p99: float = P99_LIMIT, tie: float = TIE) -> bool:
    """One output's errors within the rule (the limits are parameters for the measurement only)."""
    return err["mean"] <= mean and err["p99"] <= p99 and judged_argmax(err, tie) is not False


def errors(theirs: dict[str, list[dict]], ours: list[dict]) -> list[dict[str, dict[str, dict]]]:
    """Per held-out input: {kernel set: {output: ``output_errors``}}; ``theirs`` is {kernel set:
    [outputs by name per input]}, ``ours`` the int8 model's outputs per input."""
    return [{k: {n: output_errors(o[n], outs[i][n]) for n in o} for k, outs in theirs.items()}
            for i, o in enumerate(ours)]


def agreement(theirs: dict[str, list[dict]], ours: list[dict], runtime: str) -> dict:
    """The gate's record: how many held-out inputs agree (every output, every kernel set), and per
    output the worst mean / p99 / largest error and the share of judged inputs with the same
    argmax.  ``runtime`` names the source runtime (the refusal says what int8 was compared with)."""
    per_input = errors(theirs, ours)
    agreeing = sum(all(passes(e) for ks in errs.values() for e in ks.values()) for errs in per_input)
    names = list(ours[0]) if ours else []
    outputs = {}
    for n in names:
        es = [ks[n] for errs in per_input for ks in errs.values()]
        judged = [j for e in es if (j := judged_argmax(e)) is not None]
        outputs[n] = {"worst_mean": max(e["mean"] for e in es), "worst_p99": max(e["p99"] for e in es),
                      "max": max(e["max"] for e in es),
                      "same_argmax_percent": 100.0 * sum(judged) / len(judged) if judged else None}
    n = len(per_input)
    return {"metric": RULE, "against": runtime, "kernels": list(theirs), "inputs": n, "agreeing": agreeing,
            "percent": 100.0 * agreeing / n if n else 0.0, "outputs": outputs,
            "limits": {"mean": MEAN_LIMIT, "p99": P99_LIMIT, "tie": TIE}}
