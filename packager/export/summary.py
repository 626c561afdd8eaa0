"""What ``packager build`` tells a person (text) or a program (``--json``) when it is done."""

from __future__ import annotations

from pathlib import Path

from packager.cache import Cache
from packager.export import artifacts as art
from packager.export import coverage


def summary(out: Path, manifests: dict[str, dict], cache: Cache, artifacts: dict[str, art.Artifacts]) -> dict:
    """JSON-ready summary: bundles with their files and sizes, per model parity, coverage
    (before → after), int8 agreement (the gate's, and this machine's fused kernels' with its CPU),
    and which steps came from the cache."""
    any_m = next(iter(manifests.values()))
    models = {}
    for role, e in any_m["models"].items():
        fp32 = e["artifacts"]["fp32"]
        item = {"recipe": e["recipe"]["name"], "parity_max_scaled_diff": max(fp32["parity"]["max_scaled_diff"], fp32["parity"]["max_scaled_diff_replayed"]),
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
                 for name, m in manifests.items()}
    return {"bundles": bundles, "models": models, "precision": precision,
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
