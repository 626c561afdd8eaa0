"""The page frame shared by the reports: escaping, one stylesheet (light and dark), tables,
figures and PNG ``data:`` URIs."""

from __future__ import annotations

import base64
import io
from html import escape

GENERATOR = "packager"

CSS = """
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de;
  --ok: #1a7f37; --bad: #cf222e; --cpu: #c9ced4; --a: #0969da; --b: #8250df; --c: #bf8700; --d: #1a7f37;
  --e: #cf222e; --f: #57606a; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --ok: #3fb950; --bad: #f85149;
    --cpu: #484f58; --a: #4493f8; --b: #ab7df8; --c: #d29922; --d: #3fb950; --e: #f85149; --f: #9198a1; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; font: 15px/1.5 system-ui, sans-serif;
  color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); margin-top: 2rem; }
h3 { font-size: 1.05rem; }
p.note, figcaption, caption { color: var(--muted); font-size: 0.9rem; }
caption { text-align: left; caption-side: top; padding: 0.25rem 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 0.2rem 0.5rem; text-align: right; vertical-align: top; }
th[scope=row], td.text, thead th:first-child { text-align: left; }
thead th { vertical-align: bottom; }
code { font-size: 0.9em; overflow-wrap: anywhere; }
.ok { color: var(--ok); } .bad { color: var(--bad); font-weight: 600; }
figure { margin: 0.5rem 0 1rem; }
.gallery { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.gallery figure { margin: 0; max-width: 100%; }
img { max-width: 100%; height: auto; }
img.tensor { image-rendering: pixelated; width: 192px; }
svg { width: 100%; max-width: 560px; height: auto; display: block; }
svg text { fill: var(--fg); font: 11px system-ui, sans-serif; }
svg .cpu { fill: var(--cpu); } svg .axis { stroke: var(--line); } svg .ref { stroke: var(--fg); stroke-dasharray: 4 3; }
svg .s0 { fill: var(--a); } svg .s1 { fill: var(--b); } svg .s2 { fill: var(--c); }
svg .s3 { fill: var(--d); } svg .s4 { fill: var(--e); } svg .s5 { fill: var(--f); }
.key span { display: inline-block; width: 0.8em; height: 0.8em; margin: 0 0.3em 0 0.8em; vertical-align: -0.1em; }
.key .s0 { background: var(--a); } .key .s1 { background: var(--b); } .key .s2 { background: var(--c); }
.key .s3 { background: var(--d); } .key .s4 { background: var(--e); } .key .s5 { background: var(--f); }
.key .cpu { background: var(--cpu); }
td.heat { background: color-mix(in srgb, var(--a) var(--p), transparent); }
"""


def esc(value) -> str:
    return escape(str(value), quote=True)


def document(title: str, body: list[str]) -> str:
    """A complete HTML page: ``title`` and the already-escaped ``body`` parts."""
    head = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="{GENERATOR}">\n'
            # Nothing may load from anywhere: the page is one file.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n")
    return head + "\n".join(body) + "\n</body>\n</html>\n"


def cell(value, cls: str = "", attrs: dict | None = None) -> str:
    a = "".join(f' {k}="{esc(v)}"' for k, v in (attrs or {}).items())
    c = f' class="{cls}"' if cls else ""
    return f"<td{c}{a}>{value}</td>"


def table(caption: str, head: list[str], rows: list[tuple[str, list[str]]], cls: str = "") -> str:
    """A table with a caption, column headers and a row header per row.  ``rows`` are
    (row header text, [cell HTML from ``cell``]); header and caption text are escaped here."""
    attr = f' class="{esc(cls)}"' if cls else ""
    out = [f'<div class="scroll"><table{attr}>', f"<caption>{esc(caption)}</caption>",
           "<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in head) + "</tr></thead>", "<tbody>"]
    for header, cells in rows:
        out.append(f'<tr><th scope="row">{esc(header)}</th>' + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def png(image) -> bytes:
    """PNG bytes of a Pillow image; no metadata, fixed compression: the same pixels give the
    same bytes."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=9)
    return buf.getvalue()


def img(image, alt: str, cls: str = "") -> str:
    """An ``<img>`` with the image inlined as a PNG data URI and its natural size."""
    data = base64.b64encode(png(image)).decode("ascii")
    c = f' class="{cls}"' if cls else ""
    return (f'<img{c} src="data:image/png;base64,{data}" width="{image.width}" height="{image.height}" '
            f'alt="{esc(alt)}">')


def figure(content: str, caption: str) -> str:
    return f"<figure>{content}<figcaption>{esc(caption)}</figcaption></figure>"


def num(x, digits: int = 3) -> str:
    """A number for a person: integers as is, floats to ``digits`` significant digits."""
    if x is None:
        return "–"
    if isinstance(x, int):
        return str(x)
    return f"{x:.{digits}g}"


def kb(n: int) -> str:
    return f"{n / 1e3:.1f} kB"
