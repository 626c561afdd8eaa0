"""The checks section: each model's conversion check, ``.ort`` vs ONNX, int8 agreement (with the
emotion model's confusion matrix) and file sizes fp32 vs int8, read from the bundle manifest."""

from __future__ import annotations

from packager.htmlreport.page import cell, esc, kb, num, table


def _conversion(e: dict) -> list[tuple[str, list[str]]]:
    src, fp32 = e["source"], e["artifacts"]["fp32"]["parity"]
    conv = src["conversion"]
    rows = [("conversion to ONNX", [cell(f"{src['format']} → ONNX opset {e['opset']}", "text"),
                                    cell(f"max |ONNX − {esc(conv['checked_against'])}| = {num(conv['max_diff'])}", "text")])]
    for suffix, how in (("", "as stored"), ("_replayed", "runtime optimizations replayed")):
        ok = fp32["max_scaled_diff" + suffix] <= fp32["limit"]
        rows.append((f".ort vs ONNX ({how})", [
            cell(f"{fp32['inputs']} real inputs, limit {num(fp32['limit'])}", "text"),
            cell(f'<span class="{"ok" if ok else "bad"}">{num(fp32["max_scaled_diff" + suffix])}</span> scaled '
                 f"({num(fp32['max_abs_diff' + suffix])} absolute)", "text")]))
    for r in e["rewrites"]:
        rows.append((f"rewrite {r['rewrite']}", [cell(f"{r['nodes']} nodes replaced", "text"),
                                                  cell(f"outputs changed by {num(r['max_abs_diff'])} on {r['proof_inputs']} inputs", "text")]))
    return rows


def _int8(e: dict) -> list[tuple[str, list[str]]]:
    if "int8" not in e["artifacts"]:
        return [("int8", [cell("not built (build with <code>--quantize int8</code>)", "text"), cell("", "text")])]
    return _agreement("int8", e)


def _agreement(v: str, e: dict) -> list[tuple[str, list[str]]]:
    ag = e["artifacts"][v]["agreement"]
    ok = ag["percent"] >= ag["minimum"]
    return [(f"{v} agreement with fp32", [
        cell(esc(ag["metric"]), "text"),
        cell(f'<span class="{"ok" if ok else "bad"}">{ag["percent"]:.1f}%</span> ({ag["agreeing"]} of {ag["inputs"]} '
             f"held-out inputs; gate {ag['minimum']:g}%)", "text")])]


def _bytes(a: dict, v: str, files: dict) -> int:
    """A variant's .ort size: recorded in the manifest, or (older manifests) its file's."""
    return a[v]["bytes"] if "bytes" in a[v] else files[a[v]["file"]]["bytes"]


def _sizes(e: dict, files: dict) -> list[tuple[str, list[str]]]:
    a = e["artifacts"]
    fp32 = _bytes(a, "fp32", files)
    others = [v for v in ("fp16", "int8") if v in a]
    if not others:
        return [("size", [cell(f"fp32 {kb(fp32)}", "text"), cell("", "text")])]
    sizes = {v: _bytes(a, v, files) for v in others}
    return [(f"size fp32 vs {' vs '.join(others)}",
             [cell(", ".join([f"fp32 {kb(fp32)}", *(f"{v} {kb(b)}" for v, b in sizes.items())]), "text"),
              cell("; ".join(f"{v} is {100 * b / fp32:.0f}% of fp32" for v, b in sizes.items()), "text")])]


def confusion(role: str, e: dict) -> str:
    """The emotion model's int8 confusion matrix (rows: fp32's top label, columns: int8's)."""
    c = e["artifacts"].get("int8", {}).get("agreement", {}).get("confusion")
    if c is None:
        return ""
    labels, counts = e["labels"], c["counts"]
    top = max(max(r) for r in counts) or 1
    rows = []
    for i, (label, r) in enumerate(zip(labels, counts)):
        rows.append((label, [cell(str(n), "heat", {"style": f"--p: {round(60 * n / top)}%", "data-row": i, "data-col": j})
                             for j, n in enumerate(r)]))
    return table(f"{role}: int8 confusion matrix on {sum(map(sum, counts))} held-out face crops "
                 f"(rows: fp32 top label, columns: int8 top label; the diagonal agrees)",
                 ["fp32 \\ int8", *labels], rows, "confusion")


def section(models: dict, files: dict) -> str:
    out = []
    for role, e in models.items():
        out.append(table(f"{role}: checks", ["check", "on", "result"],
                         _conversion(e) + _int8(e) + (_agreement("fp16", e) if "fp16" in e["artifacts"] else [])
                         + _sizes(e, files)))
        out.append(confusion(role, e))
    return "\n".join(p for p in out if p)
