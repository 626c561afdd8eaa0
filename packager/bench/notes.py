"""The closing note: for each missed target, what stands in the way — read off this run's rows."""

from __future__ import annotations

from packager.bench import peers, targets
from packager.bench.table import MISSING, fmt_ms


def _median(by_key: dict, key: str) -> float | None:
    r = by_key.get(key)
    return r.stats.median if r is not None and r.stats is not None else None


def overhead(by_key: dict) -> str:
    ref, flo = _median(by_key, "reference"), _median(by_key, "floor")
    stages = {k: _median(by_key, k) for k in by_key if k.startswith("stage-")}
    parts = ", ".join(f"{by_key[k].name.strip()} {fmt_ms(v)}" for k, v in
                      sorted(stages.items(), key=lambda kv: -(kv[1] or 0)) if v is not None)
    pil = _median(by_key, "pillow-resize")
    budget = 0.3 * flo
    scale = (f" For scale: Pillow's uint8 C resize of the same frame alone takes {fmt_ms(pil)} in this run, "
             f"against a budget of {fmt_ms(budget)} (0.3 × the floor) for all pre/post." if pil else "")
    return (f"the reference adds {fmt_ms(ref - flo)} per image to the floor{f' ({parts})' if parts else ''}. "
            "What stands in the way is the letterbox in numpy: the specification (resample.py, `bilinear`, "
            "reproduced bit for bit by the Kotlin/Swift cores) reads 2×2 pixels for each of up to 2×2 "
            "sub-samples per tensor value — 65,536 sub-samples for a 128×128 input from any frame larger "
            "than it — and numpy spends about ten passes over arrays of 200,000 values on them (four "
            "gathers, integer multiply-adds, the sub-sample sum), where the compiled cores take a fraction "
            "of a millisecond (the mobile rows)." + scale)


def vs_mediapipe(by_key: dict) -> str:
    flo, mp, ref = _median(by_key, "floor"), _median(by_key, "mediapipe"), _median(by_key, "reference")
    return (f"mediapipe's whole detection takes {fmt_ms(mp)}, about what our two bare model runs take "
            f"({fmt_ms(flo)}): MediaPipe runs the same BlazeFace network through TFLite/XNNPACK with its "
            f"pre/post in C++. The reference's {fmt_ms(ref - flo)} of numpy pre/post (the letterbox above) "
            "is the whole gap.")


def vs_fer(by_key: dict) -> str:
    fer, ref = _median(by_key, "fer"), _median(by_key, "reference")
    return (f"fer takes {fmt_ms(fer)} per image (its Haar cascade over the whole frame), the reference "
            f"{fmt_ms(ref)}; the reference's own pre/post (see above) is what keeps the ratio under 20.")


def cold(by_key: dict) -> str:
    total = _median(by_key, "cold-reference")
    parts = {k: v for k in ("cold-python", "cold-imports") if (v := _median(by_key, k)) is not None}
    fixed = "; ".join(f"{by_key[k].name.replace('of which:', '').strip()} {fmt_ms(v)}" for k, v in parts.items())
    own = f"; packager's own share (its modules, the model cache check, two sessions, one image) " \
          f"{fmt_ms(total - parts['cold-imports'])}" if "cold-imports" in parts else ""
    return (f"of {fmt_ms(total)}, the interpreter and the numpy/onnxruntime/Pillow imports are a fixed cost "
            f"({fixed}){own}. No tensorflow, torch or onnx is imported on this path.")


EXPLAIN = {"overhead": overhead, "vs-mediapipe": vs_mediapipe, "vs-fer": vs_fer, "cold-start": cold}


def mobile(by_key: dict, key: str) -> str:
    """Why a generated core's pre+post missed its share of inference: the row's own numbers."""
    row, base = by_key[key], by_key[by_key[key].baseline]
    return (f"{fmt_ms(row.stats.median)} of pre+post against {fmt_ms(base.stats.median)} of model inference "
            f"(x86 onnxruntime here; a phone's NPU is faster, its CPU slower): {row.note}.")


def closing(rows: list) -> list[str]:
    by_key = {r.key: r for r in rows}
    out = []
    for t in targets.evaluate(rows):
        if t.met is False:
            why = EXPLAIN[t.key](by_key) if t.key in EXPLAIN else mobile(by_key, t.key)
            out.append(f"Missed — {t.text} = {t.shown}: " + why)
        elif t.met is None:
            out.append(f"Not evaluated — {t.text}: {t.reason}")
    if any(r.status == MISSING for r in rows):
        out.append(f"Peers not installed: install them with `{peers.INSTALL}` and run `packager bench` again.")
    return out
