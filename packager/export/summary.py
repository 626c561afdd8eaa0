"""What ``packager build`` and ``packager convert`` tell a person (text) or a program (``--json``)
when they are done."""

from __future__ import annotations

from pathlib import Path

from packager.cache import Cache
from packager.export import artifacts as art
from packager.export import coverage, int8gate


def summary(out: Path, manifests: dict[str, dict], cache: Cache, artifacts: dict[str, art.Artifacts]) -> dict:
    """JSON-ready summary of any bundles (both commands): bundles with their files and sizes, per
    model parity, coverage (before → after), int8 agreement (the gate's, and this machine's fused
    kernels' with its CPU), and which steps came from the cache.  ``packager build`` adds the
    precision choice (here, from the manifests that have one) and its report; ``packager
    convert`` the conversion's checks (``convert_summary``)."""
    any_m = next(iter(manifests.values()))
    models = {}
    for role, e in any_m["models"].items():
        fp32 = e["artifacts"]["fp32"]
        item = {"recipe": e["recipe"]["name"] if "recipe" in e else None, "parity_max_scaled_diff": max(fp32["parity"]["max_scaled_diff"], fp32["parity"]["max_scaled_diff_replayed"]),
                "coverage_before": coverage.brief(e["coverage"]["before"]),
                "coverage_after": coverage.brief(e["coverage"]["after"]),
                "rewrites": [r["rewrite"] for r in e["rewrites"]]}
        if "int8" in e["artifacts"]:
            ag = e["artifacts"]["int8"]["agreement"]
            item["int8_agreement_percent"] = ag["percent"]
            item["int8_coverage"] = coverage.brief(e["artifacts"]["int8"]["coverage"])
            item["int8_host_kernels"] = artifacts[role].int8["host_kernels"]
        if "fp16" in e["artifacts"]:
            item["fp16_agreement_percent"] = e["artifacts"]["fp16"]["agreement"]["percent"]
            item["fp16_coverage"] = coverage.brief(e["artifacts"]["fp16"]["coverage"])
        models[role] = item
    bundles = {name: {"path": str(out / name), "kind": m["package"]["kind"],
                      "samples_in_app": m["package"]["samples_in_app"],
                      "files": {p: f["bytes"] for p, f in m["files"].items()},
                      "wrapper": m["wrapper"]["status"]} for name, m in manifests.items()}
    precision = {name: {"shipped": m["precision"]["shipped"], "default": m["precision"]["default"],
                        "reasons": {v: r["reason"] for v, r in m["precision"]["variants"].items()}}
                 for name, m in manifests.items() if "precision" in m}
    return {"bundles": bundles, "models": models, **({"precision": precision} if precision else {}),
            "cache": {"hits": len(cache.hits), "misses": len(cache.misses)}}


def summary_text(s: dict) -> str:
    """The summary for a person: files and sizes, parity, coverage, int8 agreement."""
    lines = []
    for name, b in s["bundles"].items():
        total = sum(b["files"].values())
        lines.append(f"{b['path']}: {b['kind']}, {len(b['files']) + 1} files, {total / 1e6:.2f} MB, wrapper {b['wrapper']}"
                     + (", self-check samples in the app" if b["samples_in_app"] else ""))
        models = {rel: size for rel, size in b["files"].items() if rel.endswith(".ort")}
        width = max(map(len, models), default=0)
        for rel, size in models.items():
            lines.append(f"  {rel:<{width}} {size / 1e3:8.1f} kB")
    for role, m in s["models"].items():
        lines.append(f"{role} ({m['recipe']}): .ort vs ONNX {m['parity_max_scaled_diff']:.2g}"
                     + (f", rewrites: {', '.join(m['rewrites'])}" if m["rewrites"] else ""))
        for p, after in m["coverage_after"].items():
            before = m["coverage_before"][p]
            lines.append(f"  {p:<22} {after}" + ("" if before == after else f"   (was {before})"))
        if "int8_agreement_percent" in m:
            lines.append(f"  int8 agrees with fp32 on {m['int8_agreement_percent']:.1f}% of held-out inputs "
                         "(QDQ as written); coverage: " + "; ".join(f"{p} {v}" for p, v in m["int8_coverage"].items()))
            lines.append("  " + host_kernels_text(m["int8_host_kernels"], m["int8_agreement_percent"]))
        if "fp16_agreement_percent" in m:
            lines.append(f"  fp16 agrees with fp32 on {m['fp16_agreement_percent']:.1f}% of held-out inputs; coverage: "
                         + "; ".join(f"{p} {v}" for p, v in m["fp16_coverage"].items()))
    for name, pr in s.get("precision", {}).items():
        if len(pr["reasons"]) > 1:  # a build of fp32 alone has nothing to choose
            lines.append(f"{name} ships {', '.join(pr['shipped'])}, default {pr['default']}:")
            lines += [f"  {v}: {why}" for v, why in pr["reasons"].items()]
    c = s["cache"]
    lines.append(f"cache: {c['hits']} steps reused, {c['misses']} computed")
    if "report" in s:
        lines.append(f"report: {s['report']}")
    return "\n".join(lines)


def host_kernels_text(h: dict, gate_percent: float) -> str:
    """One line on this machine's fused int8 kernels, with a warning when they stray from the
    defined semantics by more than the recorded gap."""
    cpu = h["cpu"]
    name = f"{cpu['model'] or cpu['machine']}, " + ("VNNI" if cpu["vnni"] else "no VNNI")
    line = f"this CPU's fused int8 kernels ({name}): {h['percent']:.1f}%"
    if abs(h["percent"] - gate_percent) > h["max_gap_percent"]:
        line += (f" — more than {h['max_gap_percent']:g} points from the QDQ semantics: this machine's "
                 "kernels are not what a phone runs; the gate uses the QDQ semantics")
    return line


def convert_summary(out: Path, a: art.Artifacts, notes: list[str], manifests: dict, cache: Cache) -> dict:
    """What ``packager convert`` prints: ``summary`` of its bundles and what its conversion proved
    (the ONNX and the .ort against the source runtime, warnings, notes, the int8 gate's numbers
    per output)."""
    c = a.converted.check
    return {
        "model": a.role, **summary(out, manifests, cache, {a.role: a}),
        "conversion": {"checked_against": c["checked_against"], "kernels": c["kernels"], "inputs": c["inputs"],
                       "worst": c["worst"], "max_diff": a.converted.max_abs_diff, "limit": c["worst"]["limit"]},
        "ort_vs_source": a.parity["source"],
        "warnings": [n for n in a.converted.notes if n.startswith("warning:")],
        "notes": notes,
    } | ({} if a.int8 is None else {"int8": {k: a.int8["agreement"][k] for k in ("percent", "agreeing", "inputs", "minimum",
                                                                                "against", "outputs")}
                                    | {"host_kernels_percent": a.int8["host_kernels"]["percent"]}})


def convert_summary_text(s: dict) -> str:
    """``convert_summary`` for a person."""
    from packager.convert import judge

    c, o, m = s["conversion"], s["ort_vs_source"], s["models"][s["model"]]
    worst = max(o.values(), key=lambda w: w["ratio"])
    against = f"{c['checked_against']}" + (f" ({' and '.join(c['kernels'])})" if any(c["kernels"]) else "")
    lines = [f"{s['model']}: ONNX vs {against} on {len(c['inputs'])} inputs ({', '.join(c['inputs'])}): worst "
             f"{judge.measure_text(c['worst'])} on {c['worst']['input']}; .ort vs {c['checked_against']} "
             f"{judge.measure_text(worst)}; .ort vs ONNX {m['parity_max_scaled_diff']:.3g}; rewrites: "
             + (", ".join(m["rewrites"]) or "none")]
    lines += [f"  {w}" for w in s["warnings"]]
    for p, after in m["coverage_after"].items():
        lines.append(f"  {p}: {m['coverage_before'][p]} -> {after}")
    if "int8" in s:
        q = s["int8"]
        lines.append(f"  int8: agrees with {q['against']} on {q['percent']:.1f}% of {q['inputs']} held-out inputs "
                     f"(minimum {q['minimum']:g}%; this machine's fused kernels: {q['host_kernels_percent']:.1f}%; "
                     f"{int8gate.RULE})")
        for n, o in q["outputs"].items():
            lines.append(f"    {n}: worst mean {o['worst_mean']:.3g}, worst p99 {o['worst_p99']:.3g}, largest {o['max']:.3g}"
                         + ("" if o["same_argmax_percent"] is None else f", same argmax {o['same_argmax_percent']:.1f}%"))
    lines += [f"  {t}: {b['path']}" for t, b in s["bundles"].items()]
    return "\n".join(lines)
