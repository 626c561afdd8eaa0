"""Benchmark rows → a markdown table for the terminal and a JSON document.

Every row is either measured in this run or says plainly why it is not (``missing: …`` when
an optional peer is not installed, ``not available: …`` when it cannot run here); nothing is
carried over from earlier runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packager.timing import Stats

MEASURED, MISSING, NOT_AVAILABLE = "measured", "missing", "not available"


@dataclass
class Row:
    """One line of the table.

    Attributes:
        section: table the row belongs to (e.g. ``warm latency per image``).
        key: stable identifier (JSON, targets).
        name: label for a person.
        status: ``measured``, ``missing`` or ``not available``.
        stats: latency in milliseconds when measured.
        baseline: key of the row ``ratio`` divides by (None: no ratio).
        ratio: stats.median / baseline's median, filled in by ``link_ratios``.
        size_bytes: artifact size, for model rows.
        faces: faces found over the bench images (a sanity check that contenders do the same job).
        note: the reason when not measured; else what the row includes.
        bytes_per_frame: heap bytes the row's code allocates per frame in steady state, where
            measured (the generated Kotlin core).
        stages: ms per stage of the row's work, where measured (the generated cores' pre/post:
            detector_pre, detector_post, emotion_pre, emotion_post).
        runs: ms of each separate process where the row is the median of several (the generated
            cores' pre+post: one JVM's compiled code can differ from the next's); their range is
            the row's spread.
    """

    section: str
    key: str
    name: str
    status: str = MEASURED
    stats: Stats | None = None
    baseline: str | None = None
    ratio: float | None = None
    size_bytes: int | None = None
    faces: int | None = None
    note: str = ""
    bytes_per_frame: int | None = None
    stages: dict[str, float] | None = None
    runs: list[float] | None = None

    @classmethod
    def unavailable(cls, section: str, key: str, name: str, status: str, reason: str, **kw) -> "Row":
        return cls(section, key, name, status=status, note=reason, **kw)

    def as_dict(self) -> dict:
        return {
            "section": self.section, "key": self.key, "name": self.name, "status": self.status,
            "median_ms": self.stats.median if self.stats else None,
            "p90_ms": self.stats.p90 if self.stats else None,
            "n": self.stats.n if self.stats else 0,
            "baseline": self.baseline, "ratio": self.ratio, "size_bytes": self.size_bytes,
            "faces": self.faces, "note": self.note, "bytes_per_frame": self.bytes_per_frame,
            "stages_ms": self.stages, "runs_ms": self.runs,
        }


def median(by_key: dict[str, Row], key: str) -> float | None:
    """The median of row ``key`` in ms; None when the row is absent or not measured."""
    r = by_key.get(key)
    return r.stats.median if r is not None and r.stats is not None else None


def link_ratios(rows: list[Row]) -> None:
    """Fill ``ratio`` of every measured row whose baseline is measured too."""
    by_key = {r.key: r for r in rows}
    for r in rows:
        base = by_key.get(r.baseline) if r.baseline else None
        if r.stats and base is not None and base.stats and base.stats.median > 0:
            r.ratio = r.stats.median / base.stats.median


def fmt_ms(ms: float) -> str:
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.3f} ms" if ms < 10 else f"{ms:.1f} ms"


def fmt_size(n: int | None) -> str:
    if n is None:
        return ""
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows: list[Row], titles: dict[str, str] | None = None) -> str:
    """One markdown table per section, in first-appearance order."""
    by_key = {r.key: r for r in rows}
    sections: dict[str, list[Row]] = {}
    for r in rows:
        sections.setdefault(r.section, []).append(r)
    out = []
    for section, members in sections.items():
        out.append(f"### {(titles or {}).get(section, section)}")
        out.append("")
        out.append("| | median | p90 | ratio | size | faces | note |")
        out.append("|---|---:|---:|---:|---:|---:|---|")
        for r in members:
            if r.stats:
                med = fmt_ms(r.stats.median)
                p90 = "—" if r.stats.p90 is None else fmt_ms(r.stats.p90)
            else:
                med = p90 = "—"
            ratio = ""
            if r.ratio is not None:
                ratio = f"{r.ratio:.2f}× {by_key[r.baseline].name.split(':')[0]}"
            note = r.note if r.status == MEASURED else f"**{r.note}**"
            faces = "" if r.faces is None else str(r.faces)
            out.append(f"| {_cell(r.name)} | {med} | {p90} | {_cell(ratio)} | {fmt_size(r.size_bytes)} | {faces} | {_cell(note)} |")
        out.append("")
    return "\n".join(out)


@dataclass
class Report:
    """The whole bench result."""

    rows: list[Row]
    targets: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"settings": self.settings, "rows": [r.as_dict() for r in self.rows],
                "targets": [t.as_dict() for t in self.targets], "notes": self.notes}

    def markdown(self) -> str:
        parts = []
        st = self.settings
        if st:
            parts.append(f"Machine: {st.get('cpu_count')} cores, 1-minute load average {st.get('load_start', 0):.1f} "
                         f"at the start and {st.get('load_end', 0):.1f} at the end (above the core count, other "
                         "processes compete and the ratios are the numbers to read); python "
                         f"{st.get('python')}, numpy {st.get('numpy')}, onnxruntime {st.get('onnxruntime')}.\n")
        parts.append(markdown(self.rows, self.titles))
        if self.targets:
            parts.append("### Targets (ratios from this run)\n")
            parts.append("| target | goal | measured | |\n|---|---|---:|---|")
            parts.extend(t.markdown_row() for t in self.targets)
            parts.append("")
        if self.notes:
            parts.append("### Notes\n")
            parts.extend(f"- {n}" for n in self.notes)
        return "\n".join(parts)
