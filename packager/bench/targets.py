"""The issue's targets, judged on ratios measured in the same run.

A target whose rows are not measured in this run is ``not evaluated`` (with the reason), never
judged from remembered numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from packager.bench.table import median


@dataclass(frozen=True)
class Target:
    """Attributes:
        key: stable identifier.
        text: the target for a person (``reference ≤ 1.3 × floor``).
        value: the measured quantity (a ratio, or seconds), None when not evaluated.
        limit: the bound ``value`` is compared with.
        below: True when ``value`` must stay below ``limit`` (else above).
        shown: how ``value`` is printed.
        reason: why it is not evaluated.
    """

    key: str
    text: str
    value: float | None
    limit: float
    below: bool
    shown: str = ""
    reason: str = ""

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.limit if self.below else self.value >= self.limit

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**MISSED**", None: f"not evaluated: {self.reason}"}[self.met]

    def as_dict(self) -> dict:
        return {"key": self.key, "text": self.text, "value": self.value, "limit": self.limit,
                "below": self.below, "met": self.met, "reason": self.reason}

    def markdown_row(self) -> str:
        goal = f"{'≤' if self.below else '≥'} {self.limit:g}"
        return f"| {self.text} | {goal} | {self.shown or '—'} | {self.verdict} |"


def _ratio(key: str, text: str, rows: dict, num: str, den: str, limit: float, below: bool) -> Target:
    a, b = median(rows, num), median(rows, den)
    if a is None or b is None or b <= 0:
        missing = [k for k, v in ((num, a), (den, b)) if v is None]
        why = "; ".join(f"{rows[k].name}: {rows[k].note}" if k in rows else f"{k} not run" for k in missing)
        return Target(key, text, None, limit, below, reason=why or "zero baseline")
    return Target(key, text, a / b, limit, below, shown=f"{a / b:.2f}×")


#: The generated code's pre+post may cost at most this share of the model's own inference.
MOBILE_LIMIT = 0.25
#: The reference end to end may take at most this multiple of the floor (the bare model runs).
OVERHEAD_LIMIT = 1.3
#: The reference end to end may take at most this multiple of mediapipe's detection alone.
MEDIAPIPE_LIMIT = 1.0
#: fer must take at least this multiple of the reference end to end.
FER_LIMIT = 20.0
#: Cold start to the first result, in seconds.
COLD_LIMIT_S = 0.5


def evaluate(rows: list) -> list[Target]:
    """The targets, from this run's rows (keyed as packager.bench.suite names them): the
    reference against the floor and its peers, cold start, and the generated Kotlin / Swift
    pre+post against model inference at each frame size (``MOBILE_LIMIT``)."""
    by_key = {r.key: r for r in rows}
    out = [
        _ratio("overhead", "reference end to end ÷ floor", by_key, "reference", "floor", OVERHEAD_LIMIT, True),
        _ratio("vs-mediapipe", "reference end to end (detect + emotion) ÷ mediapipe detection alone",
               by_key, "reference", "mediapipe", MEDIAPIPE_LIMIT, True),
        _ratio("vs-fer", "fer ÷ reference end to end", by_key, "fer", "reference", FER_LIMIT, False),
    ]
    for r in rows:  # the generated Kotlin / Swift pre+post, per frame size, against model inference
        if r.key.startswith("mobile-") and r.baseline and r.baseline.startswith("mobile-inference-"):
            lang, size = r.key.split("-")[1], r.key.split("-", 2)[2]
            out.append(_ratio(f"mobile-{lang}-{size}", f"{lang.capitalize()} pre+post ÷ model inference, {size} frame",
                              by_key, r.key, r.baseline, MOBILE_LIMIT, True))
    cold = median(by_key, "cold-reference")
    if cold is None:
        r = by_key.get("cold-reference")
        out.append(Target("cold-start", "cold start to first result (s)", None, COLD_LIMIT_S, True,
                          reason=r.note if r else "not run"))
    else:
        out.append(Target("cold-start", "cold start to first result (s)", cold / 1000, COLD_LIMIT_S, True,
                          shown=f"{cold / 1000:.2f} s"))
    return out
