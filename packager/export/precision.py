"""Which precision variants each target ships, and which one its app opens by default.

Rule: a variant is *whole* on a target when every execution provider the target's pipeline can
ask for (``PROVIDERS``: NNAPI on Android; Core ML's ML Program and NeuralNetwork formats on iOS)
takes it in one partition holding at least ``MIN_NODE_SHARE`` of its nodes, for every model.  A
variant that is not whole would bounce between the accelerator and the CPU within each frame: it
is not shipped to that target unless asked for by name (``--precision TARGET=VARIANT,...``).
Of the variants a target ships, its default is the first whole one in ``PREFERENCE`` (the smaller
and faster first), else fp32; an explicit ``--precision`` list ships exactly its variants, the
first being the default.

Each decision keeps its reasons (the coverage that made it), for the summary, the manifest
(``manifest.json`` ``precision``) and the report.
"""

from __future__ import annotations

from packager.errors import PackagerError
from packager.export import coverage

#: Variant names, as the bundle files (``layout.variant_file``) and the apps' ``Precision`` say them.
from packager.layout import VARIANTS  # noqa: E402  (one home: layout)
#: Default order of preference among whole variants.
PREFERENCE = ("int8", "fp16", "fp32")
#: The providers a target's pipeline may run a model on (all must take a shipped variant whole).
PROVIDERS = {"android": ("NNAPI",), "ios": ("CoreML MLProgram", "CoreML NeuralNetwork")}
#: A partition must hold at least this share of a model's nodes.
MIN_NODE_SHARE = 1.0


def parse(values: list[str] | None, targets: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """``--precision`` values (``TARGET=V[,V...]`` or ``V[,V...]`` for every target) → target →
    variants in order; a bad value is a ``PackagerError`` naming it."""
    out: dict[str, tuple[str, ...]] = {}
    for value in values or []:
        where, _, names = value.rpartition("=")
        chosen = tuple(v.strip() for v in names.split(","))
        bad = [v for v in chosen if v not in VARIANTS]
        if bad or not all(chosen) or len(set(chosen)) != len(chosen):
            raise PackagerError(f"--precision {value}: name variants from {', '.join(VARIANTS)}, each once "
                                "(e.g. --precision ios=fp16,fp32)")
        for t in (targets if not where else (where,)):
            if t not in PROVIDERS:
                raise PackagerError(f"--precision {value}: unknown target {t!r}; choose from {', '.join(PROVIDERS)}")
            if t not in targets:
                raise PackagerError(f"--precision {value}: the build does not write {t} (--target)")
            out[t] = chosen
    return out


def fit(cov: dict, target: str) -> dict:
    """``{"whole": bool, "split_on": [provider...], "providers": {provider: "taken/total nodes, N
    partitions"}}`` of one model's variant coverage on ``target``."""
    brief = coverage.brief(cov)
    split = [p for p in PROVIDERS[target]
             if not (cov["static_shapes"] and cov[p]["partitions"] == 1
                     and cov[p]["supported_nodes"] >= MIN_NODE_SHARE * cov[p]["nodes"])]
    return {"whole": not split, "split_on": split, "providers": {p: brief[p] for p in PROVIDERS[target]}}


def variant_coverage(a, variant: str) -> dict | None:
    """Coverage of ``a``'s (``artifacts.Artifacts``) variant; None when it was not made."""
    if variant == "fp32":
        return a.coverage_after
    made = getattr(a, variant, None)
    return None if made is None else made["coverage"]


def choose(models: dict, target: str, asked: tuple[str, ...] | None = None) -> dict:
    """The precision record of ``target`` for ``models`` (role → ``artifacts.Artifacts``):
    ``{"shipped": [...], "default": variant, "asked": [...] | None, "rule", "variants": {variant:
    {"whole", "shipped", "reason", "models": {role: fit}}}}``."""
    made = [v for v in VARIANTS if all(variant_coverage(a, v) is not None for a in models.values())]
    variants = {}
    for v in made:
        fits = {role: fit(variant_coverage(a, v), target) for role, a in models.items()}
        variants[v] = {"whole": all(f["whole"] for f in fits.values()), "models": fits}
    if asked:
        missing = [v for v in asked if v not in variants]
        if missing:
            raise PackagerError(f"--precision {target}={','.join(asked)}: {', '.join(missing)} was not built "
                                "(int8 needs --quantize int8)")
        shipped = list(asked)
    else:
        shipped = [v for v in VARIANTS if v in variants and (v == "fp32" or variants[v]["whole"])]
    default = shipped[0] if asked else next(v for v in PREFERENCE if v in shipped)
    for v, rec in variants.items():
        rec["shipped"] = v in shipped
        rec["reason"] = _reason(v, rec, shipped, default, bool(asked), target)
    return {"shipped": shipped, "default": default, "asked": list(asked) if asked else None,
            "rule": f"ship a variant only where {' and '.join(PROVIDERS[target])} take every model in one partition "
                    f"(at least {MIN_NODE_SHARE:.0%} of its nodes), unless asked with --precision; default: the first "
                    f"whole one of {', '.join(PREFERENCE)}",
            "variants": variants}


def _reason(v: str, rec: dict, shipped: list, default: str, asked: bool, target: str) -> str:
    split = "; ".join(f"{role}: " + ", ".join(f"{p} {f['providers'][p]}" for p in f["split_on"])
                      for role, f in rec["models"].items() if not f["whole"])
    if asked:
        how = "asked for with --precision" if v in shipped else "not asked for with --precision"
        whole = "whole on " + " and ".join(PROVIDERS[target]) if rec["whole"] else "split: " + split
        return f"{how}; {whole}" + ("; the default (first asked)" if v == default else "")
    if not rec["whole"] and v != "fp32":
        return "not shipped: split into fragments (" + split + ")"
    if not rec["whole"]:
        return "shipped as the reference although split (" + split + ")"
    return ("the default: " if v == default else "shipped: ") + "whole on " + " and ".join(PROVIDERS[target])
