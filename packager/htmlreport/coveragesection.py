"""The provider coverage section: per model, a bar per provider (partitions drawn as separate
blocks, the nodes left to the CPU in grey) before and after the rewrites (and for the int8
model), and the same numbers in a table with the unsupported operators named.

Every number is read from the bundle manifest's ``coverage`` (and ``artifacts.int8.coverage``).
"""

from __future__ import annotations

from packager.onnxrt import PROVIDERS
from packager.htmlreport import svg
from packager.htmlreport.page import cell, esc, table

STAGES = {"before": "before the rewrites", "after": "after (fp32)", "fp16": "fp16", "int8": "int8 (QDQ)"}


def stages(entry: dict) -> dict[str, dict]:
    """Stage name → coverage record of one manifest model entry."""
    out = {"before": entry["coverage"]["before"], "after": entry["coverage"]["after"]}
    for v in ("fp16", "int8"):
        if v in entry["artifacts"]:
            out[v] = entry["artifacts"][v]["coverage"]
    return out


def precision_section(manifests: dict[str, dict]) -> str:
    """Per target: each variant made, whether it ships, the default, why (``manifest.precision``),
    with the coverage on the target's providers, the agreement with fp32 and the size."""
    out = []
    for target, m in manifests.items():
        pr = m["precision"]
        rows = []
        for v, rec in pr["variants"].items():
            cov = "; ".join(f"{role}: " + ", ".join(f"{p} {b}" for p, b in f["providers"].items())
                            for role, f in rec["models"].items())
            arts = [e["artifacts"].get(v, {}) for e in m["models"].values()]
            agree = ", ".join(f"{a['agreement']['percent']:.1f}%" for a in arts if "agreement" in a) or "reference"
            size = sum(a.get("bytes", 0) for a in arts)
            rows.append((v, [cell(("default" if v == pr["default"] else "yes") if rec["shipped"] else "no", "text",
                                  attrs={"data-target": target, "data-variant": v, "data-field": "shipped"}),
                             cell(esc(cov), "text"), cell(agree, "text"),
                             cell(f"{size / 1e3:.1f} kB" if size else "", "text"), cell(esc(rec["reason"]), "text")]))
        out.append(table(f"{target}: ships {', '.join(pr['shipped'])}, default {pr['default']}",
                         ["variant", "shipped", "coverage on this target's providers", "agreement with fp32 (models)",
                          "size (models)", "why"], rows))
        out.append(f"<p class=\"note\">Rule: {esc(pr['rule'])}.</p>")
    return "\n".join(out)


def brief(c: dict) -> str:
    return f"{c['supported_nodes']}/{c['nodes']} nodes, {c['partitions']} partition" + ("" if c["partitions"] == 1 else "s")


def _bar(provider: str, stage: str, c: dict) -> svg.Bar:
    total = max(1, c["nodes"])  # each bar spans the width: its own graph's nodes
    segs = [(n / total, f"s{i % 2}", f"partition {i + 1}: {n} nodes") for i, n in enumerate(c["partition_sizes"])]
    rest = c["nodes"] - c["supported_nodes"]
    if rest:
        segs.append((rest / total, "cpu", f"{rest} nodes on the CPU"))
    return svg.Bar(f"{provider.replace('NeuralNetwork', 'NN')}, {STAGES[stage]}", brief(c), segs)


def _ops(ops: list[str]) -> str:
    return ", ".join(f"<code>{esc(o)}</code>" for o in ops) if ops else "none"


def section(role: str, entry: dict) -> str:
    by_stage = stages(entry)
    chart = svg.bars(f"{role}: nodes each provider takes, by partition", [
        _bar(p, s, c[p]) for p in PROVIDERS for s, c in by_stage.items()], xmax=1.0, gap_px=1.5)
    head = ["provider"]
    for s in by_stage:
        head += [f"nodes taken, {s}", f"partitions, {s}", f"unsupported operators, {s}"]
    rows = []
    for p in PROVIDERS:
        cells = []
        for s, c in by_stage.items():
            attrs = {"data-model": role, "data-provider": p, "data-stage": s}
            cells.append(cell(f"{c[p]['supported_nodes']}/{c[p]['nodes']}", attrs={**attrs, "data-field": "nodes"}))
            cells.append(cell(str(c[p]["partitions"]), attrs={**attrs, "data-field": "partitions"}))
            cells.append(cell(_ops(c[p]["unsupported_ops"]), "text"))
        rows.append((p, cells))
    rewrites = entry["rewrites"]
    done = ("Rewrites applied: " + "; ".join(
        f"<code>{esc(r['rewrite'])}</code> ({r['nodes']} nodes replaced, outputs changed by {r['max_abs_diff']:g} on "
        f"{r['proof_inputs']} real inputs)" for r in rewrites) + ".") if rewrites else "No rewrite was needed."
    whole = ("every provider takes the whole shipped fp32 model in one partition" if entry["coverage"]["complete"]
             else "some provider splits the shipped fp32 model or leaves nodes to the CPU")
    return "\n".join([
        f"<h3>{esc(role)} <small>({esc(entry['recipe']['name'])})</small></h3>",
        f'<p class="{"ok" if entry["coverage"]["complete"] else "bad"}">{esc(whole.capitalize())}.</p>',
        f"<figure>{chart}<figcaption>Each bar is one graph's nodes (full width); coloured blocks are the partitions a provider "
        "takes (in the checker's order), grey the nodes left to the CPU.</figcaption></figure>",
        svg.key([("s0", "partition"), ("s1", "next partition"), ("cpu", "CPU")]),
        table(f"{role}: provider coverage (onnxruntime's usability checker)", head, rows),
        f"<p>{done}</p>",
    ])
