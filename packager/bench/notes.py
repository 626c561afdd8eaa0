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
    scale = f" Pillow's uint8 C resize of the same frame alone takes {fmt_ms(pil)} in this run." if pil else ""
    return (f"the reference adds {fmt_ms(ref - flo)} per image to the floor ({parts}). What stands in the way "
            "is the letterbox: the specification (resample.py, reproduced by the Kotlin/Swift cores to 1e-5) is "
            "an exact float64 antialiasing triangle filter over every pixel of the frame, and numpy needs several "
            "passes over the whole frame for it (a transpose, a float64 conversion, two banded matrix products); "
            "a compiled single-pass kernel would fit the budget, numpy cannot." + scale)


def vs_mediapipe(by_key: dict) -> str:
    flo, mp = _median(by_key, "floor"), _median(by_key, "mediapipe")
    det = f"the floor alone (both models) takes {fmt_ms(flo)}, mediapipe's whole detection {fmt_ms(mp)}"
    return (f"reference vs mediapipe: {det}; MediaPipe runs BlazeFace through TFLite/XNNPACK with its "
            "pre/post in C++, while the reference keeps numpy pre/post around onnxruntime.")


def vs_fer(by_key: dict) -> str:
    return ("fer vs reference: fer's Haar cascade is its cost; the ratio falls when the reference's "
            "own overhead grows (see above) or when the image is small.")


def cold(by_key: dict) -> str:
    parts = [f"{by_key[k].name} {fmt_ms(v)}" for k in ("cold-python", "cold-imports")
             if (v := _median(by_key, k)) is not None]
    tail = f" ({'; '.join(parts)})" if parts else ""
    return f"cold start: the interpreter and the numpy/onnxruntime/Pillow imports are a fixed cost{tail}."


EXPLAIN = {"overhead": overhead, "vs-mediapipe": vs_mediapipe, "vs-fer": vs_fer, "cold-start": cold}


def closing(rows: list) -> list[str]:
    by_key = {r.key: r for r in rows}
    out = []
    for t in targets.evaluate(rows):
        if t.met is False:
            out.append(f"Missed — {t.text} = {t.shown}: " + EXPLAIN[t.key](by_key))
        elif t.met is None:
            out.append(f"Not evaluated — {t.text}: {t.reason}")
    if any(r.status == MISSING for r in rows):
        out.append(f"Peers not installed: install them with `{peers.INSTALL}` and run `packager bench` again.")
    return out
