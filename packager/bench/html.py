"""``packager bench --html OUT.html``: the bench tables as charts, one self-contained page.

Per section: the medians as bars (the reference's stages stacked into its end-to-end bar; each
generated-code frame stacked as model inference + pre/post), the ratios against each row's
baseline (the floor, the cold start of ``packager run``, the model inference) with 1× marked,
and the table with every row, measured or not, beside them.  Then the targets and the notes.
"""

from __future__ import annotations

from packager.bench.table import MEASURED, Report, Row, fmt_ms, fmt_size
from packager.htmlreport import svg
from packager.htmlreport.page import cell, document, esc, table

#: The reference's end-to-end time, stage by stage (the floor row is both model runs).
REFERENCE_STAGES = (("stage-detect-pre", "detector pre"), ("floor", "models (session.run)"),
                    ("stage-detect-post", "detector post"), ("stage-emotion-pre", "emotion pre"),
                    ("stage-emotion-post", "emotion post"))


def _ms(r: Row) -> float | None:
    return r.stats.median if r.status == MEASURED and r.stats else None


def _reference_bar(by: dict[str, Row]) -> svg.Bar | None:
    ref = by.get("reference")
    parts = [(by[k], name) for k, name in REFERENCE_STAGES if k in by and _ms(by[k]) is not None]
    if ref is None or _ms(ref) is None or not parts:
        return None
    segs = [(_ms(r), f"s{i}", f"{name}: {fmt_ms(_ms(r))}") for i, (r, name) in enumerate(parts)]
    rest = _ms(ref) - sum(s[0] for s in segs)
    if rest > 0:
        segs.append((rest, "cpu", f"rest (timed apart, the stages do not add up exactly): {fmt_ms(rest)}"))
    return svg.Bar(ref.name, fmt_ms(_ms(ref)), segs)


def _stacked(members: list[Row], by: dict[str, Row]) -> tuple[list[svg.Bar], set[str]]:
    """Bars whose segments are stages; returns them and the keys they draw."""
    out, used = [], set()
    ref = _reference_bar(by)
    if ref is not None and any(r.key == "reference" for r in members):
        out.append(ref)
        used.add("reference")
    for r in members:  # a generated-code frame: its baseline (model inference) + its pre/post
        base = by.get(r.baseline) if r.baseline else None
        if r.key.startswith("mobile-") and base is not None and _ms(r) is not None and _ms(base) is not None:
            out.append(svg.Bar(r.name.strip(), fmt_ms(_ms(r) + _ms(base)), [
                (_ms(base), "s1", f"model inference: {fmt_ms(_ms(base))}"), (_ms(r), "s0", f"pre+post: {fmt_ms(_ms(r))}")]))
            used |= {r.key, base.key}
    return out, used


def _charts(title: str, members: list[Row], by: dict[str, Row]) -> list[str]:
    stacked, used = _stacked(members, by)
    single = [svg.Bar(r.name.strip(), fmt_ms(_ms(r)), [(_ms(r), "s5", fmt_ms(_ms(r)))])
              for r in members if _ms(r) is not None and r.key not in used]
    out = []
    if stacked or single:
        keys = [("s0", "pre+post" if any(r.key.startswith("mobile-") for r in members) else "detector pre")]
        if stacked and "reference" in used:
            keys = [(f"s{i}", n) for i, (_, n) in enumerate(REFERENCE_STAGES)] + [("cpu", "rest"), ("s5", "other rows")]
        elif stacked:
            keys = [("s1", "model inference"), ("s0", "generated pre+post")] + ([("s5", "other rows")] if single else [])
        else:
            keys = [("s5", "median")]
        out.append(f"<figure>{svg.bars(f'{title}: median latency', stacked + single)}"
                   "<figcaption>Median latency (same scale for every bar in this chart).</figcaption></figure>")
        out.append(svg.key(keys))
    ratios = [r for r in members if r.ratio is not None]
    if ratios:
        bars = [svg.Bar(r.name.strip(), f"{r.ratio:.2f}× {by[r.baseline].name.split(':')[0].strip()}",
                        [(r.ratio, "s0" if r.ratio <= 1 else "s2", f"{r.ratio:.2f}×")]) for r in ratios]
        out.append(f"<figure>{svg.bars(f'{title}: ratio to the baseline', bars, ref=(1.0, '1× baseline'))}"
                   "<figcaption>Each row's median divided by its baseline's (named on the right); the dashed "
                   "line is 1× (blue: at or under the baseline, amber: above it).</figcaption></figure>")
    return out


def _table(title: str, members: list[Row], by: dict[str, Row]) -> str:
    rows = []
    for r in members:
        med = fmt_ms(r.stats.median) if r.stats else "—"
        p90 = fmt_ms(r.stats.p90) if r.stats and r.stats.p90 is not None else "—"
        ratio = f"{r.ratio:.2f}× {esc(by[r.baseline].name.split(':')[0].strip())}" if r.ratio is not None else ""
        note = esc(r.note) if r.status == MEASURED else f"<strong>{esc(r.note)}</strong>"
        rows.append((r.name.strip(), [cell(med, attrs={"data-key": r.key, "data-field": "median"}), cell(p90), cell(ratio),
                                      cell(fmt_size(r.size_bytes)), cell("" if r.faces is None else str(r.faces)),
                                      cell(note, "text")]))
    return table(title, ["", "median", "p90", "ratio", "size", "faces", "note"], rows)


def render(report: Report) -> str:
    """The bench page of one ``bench.table.Report``."""
    by = {r.key: r for r in report.rows}
    sections: dict[str, list[Row]] = {}
    for r in report.rows:
        sections.setdefault(r.section, []).append(r)
    body = ["<h1>packager bench</h1>"]
    st = report.settings
    if st:
        body.append(f"<p class=\"note\">{esc(st.get('cpu_count'))} cores, load average {st.get('load_start', 0):.1f} at the "
                    f"start and {st.get('load_end', 0):.1f} at the end; python {esc(st.get('python'))}, numpy "
                    f"{esc(st.get('numpy'))}, onnxruntime {esc(st.get('onnxruntime'))}. Ratios within one run are the "
                    "numbers to compare across machines.</p>")
    for section, members in sections.items():
        title = report.titles.get(section, section)
        body += [f"<h2>{esc(title)}</h2>", *_charts(title, members, by), _table(title, members, by)]
    if report.targets:
        rows = [(t.text, [cell(f"{'≤' if t.below else '≥'} {t.limit:g}"), cell(esc(t.shown or "—")),
                          cell({True: '<span class="ok">met</span>', False: '<span class="bad">missed</span>',
                                None: f"not evaluated: {esc(t.reason)}"}[t.met], "text")]) for t in report.targets]
        body += ["<h2>Targets</h2>", table("Targets, judged on ratios from this run", ["target", "goal", "measured", "verdict"], rows)]
    if report.notes:
        body += ["<h2>Notes</h2>", "<ul>", *(f"<li>{esc(n)}</li>" for n in report.notes), "</ul>"]
    return document("packager bench", body)
