"""The closing note: for each missed target, what this run's rows show about it.

Every sentence is computed from the rows (and the target's own limit); a comparison the rows do
not support is not printed. No conclusion is written in advance.
"""

from __future__ import annotations

from packager.bench import peers, targets
from packager.bench.table import MISSING, fmt_ms, median


def overhead(by_key: dict, target) -> str:
    ref, flo = median(by_key, "reference"), median(by_key, "floor")
    extra = ref - flo
    budget = (target.limit - 1) * flo
    stages = {k: v for k in by_key if k.startswith("stage-") and (v := median(by_key, k)) is not None}
    out = (f"the reference adds {fmt_ms(extra)} per image to the floor ({fmt_ms(flo)}), against "
           f"{fmt_ms(budget)} allowed for all pre/post ({target.limit:g} × the floor − the floor).")
    if stages:
        ranked = sorted(stages.items(), key=lambda kv: -kv[1])
        parts = ", ".join(f"{by_key[k].name.strip()} {fmt_ms(v)}" for k, v in ranked)
        top_key, top = ranked[0]
        out += (f" Measured stages: {parts}; the largest, {by_key[top_key].name.strip()}, "
                f"alone {'exceeds' if top > budget else 'fits within'} that allowance.")
    pil = median(by_key, "pillow-resize")
    if pil is not None:
        out += f" For scale: Pillow's uint8 C resize of the same frame alone takes {fmt_ms(pil)} in this run."
    return out


def vs_mediapipe(by_key: dict, target) -> str:
    flo, mp, ref = median(by_key, "floor"), median(by_key, "mediapipe"), median(by_key, "reference")
    allowed = target.limit * mp
    out = (f"mediapipe's whole detection takes {fmt_ms(mp)}, the reference {fmt_ms(ref)}, "
           f"{fmt_ms(ref - allowed)} over the target")
    if flo is None:
        return out + "; the floor (the bare model runs) was not measured."
    if flo <= allowed:
        return out + (f"; our two bare model runs (the floor) take {fmt_ms(flo)}, within the target on their "
                      f"own, so the reference's {fmt_ms(ref - flo)} of pre/post over the floor is what exceeds it.")
    return out + (f"; our two bare model runs (the floor) take {fmt_ms(flo)}, already {fmt_ms(flo - allowed)} "
                  f"over the target before any pre/post; the reference's pre/post adds {fmt_ms(ref - flo)} on top.")


def vs_fer(by_key: dict, target) -> str:
    fer, ref, flo = median(by_key, "fer"), median(by_key, "reference"), median(by_key, "floor")
    out = f"fer takes {fmt_ms(fer)} per image, the reference {fmt_ms(ref)}"
    if flo is None or flo <= 0:
        return out + "."
    if fer / flo >= target.limit:
        return out + (f"; against the floor alone ({fmt_ms(flo)}) the ratio would be {fer / flo:.1f}, "
                      f"so the reference's {fmt_ms(ref - flo)} of pre/post is what keeps it under "
                      f"{target.limit:g}.")
    return out + (f"; even against the floor alone ({fmt_ms(flo)}) the ratio is {fer / flo:.1f}, under "
                  f"{target.limit:g}: the bare model runs already cost more than the target allows.")


def cold(by_key: dict, target) -> str:
    total = median(by_key, "cold-reference")
    parts = {k: v for k in ("cold-python", "cold-imports") if (v := median(by_key, k)) is not None}
    out = f"of {fmt_ms(total)} against {fmt_ms(target.limit * 1000)}"
    if not parts:
        return out + "; the interpreter and import rows were not measured."
    fixed = "; ".join(f"{by_key[k].name.replace('of which:', '').strip()} {fmt_ms(v)}" for k, v in parts.items())
    out += f", the interpreter and the numpy/onnxruntime/Pillow imports take {fixed}"
    if "cold-imports" in parts:
        own = total - parts["cold-imports"]
        out += (f"; the rest (packager's modules, the model cache check, two sessions, one image) "
                f"{fmt_ms(own)}")
    return out + "."


EXPLAIN = {"overhead": overhead, "vs-mediapipe": vs_mediapipe, "vs-fer": vs_fer, "cold-start": cold}


def mobile(by_key: dict, target) -> str:
    """Why a generated core's pre+post missed its share of inference, and the next lever: the
    row's own numbers — its stages against the allowance, and its frame size's other format."""
    row = by_key[target.key]
    base = by_key[row.baseline]
    pre_post, inference = row.stats.median, base.stats.median
    allowed = target.limit * inference
    over = pre_post - allowed
    out = (f"{fmt_ms(pre_post)} of pre+post against {fmt_ms(inference)} of model inference, "
           f"{pre_post / inference:.2f} against at most {target.limit:g} ({fmt_ms(allowed)}): {fmt_ms(over)} over "
           f"({row.note}).")
    if row.stages:
        ranked = sorted(row.stages.items(), key=lambda kv: -kv[1])
        out += " Stages: " + ", ".join(f"{k.replace('_', ' ')} {fmt_ms(v)}" for k, v in ranked) + "."
        top, cost = ranked[0]
        if cost >= over:
            out += (f" Next lever: {top.replace('_', ' ')} ({cost / pre_post:.0%} of pre+post); cutting it by "
                    f"{fmt_ms(over)} ({over / cost:.0%} of it) alone meets the target.")
        else:
            out += (f" Next lever: {top.replace('_', ' ')} ({cost / pre_post:.0%} of pre+post), but even without it "
                    f"pre+post would be {fmt_ms(pre_post - cost)}, over {fmt_ms(allowed)}: every stage must shrink.")
    lang, size = target.key.split("-", 2)[1:]
    frame = size.split(" ")[0]
    for key, other in by_key.items():
        if (key.startswith(f"mobile-{lang}-{frame}") and key != target.key and other.stats is not None
                and other.baseline is not None):
            diff = pre_post - other.stats.median
            out += (f" The {other.name.split(', ')[-1]} takes {fmt_ms(other.stats.median)}: this format "
                    f"{'adds' if diff >= 0 else 'saves'} {fmt_ms(abs(diff))}.")
    # base.note: "the denominator of the row below: <how it was timed>"
    return out + f" Model inference: {base.note.split(': ', 1)[-1]}."


def closing(rows: list) -> list[str]:
    by_key = {r.key: r for r in rows}
    out = []
    for t in targets.evaluate(rows):
        if t.met is False:
            why = EXPLAIN.get(t.key, mobile)(by_key, t)
            out.append(f"Missed — {t.text} = {t.shown}: " + why)
        elif t.met is None:
            out.append(f"Not evaluated — {t.text}: {t.reason}")
    if any(r.status == MISSING for r in rows):
        out.append(f"Peers not installed: install them with `{peers.INSTALL}` and run `packager bench` again.")
    return out
