"""``packager bench --html``: the bench tables as charts, in a real browser (Debian's chromium);
the numbers on the page are the run's own."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from browser import Browser, Tab

from packager.bench.table import Report, Row, fmt_ms
from packager.timing import Stats
from packager.bench import html as bench_html

SKIP = ["peers", "cold", "throughput", "video", "artifacts", "build", "mobile"]


@pytest.fixture(scope="module")
def bench_page(tmp_path_factory, prepared_default):
    out = tmp_path_factory.mktemp("bench-html") / "bench.html"
    args = ["bench", "--repeats", "3", "--json", "--html", str(out), "--quiet"] + [a for s in SKIP for a in ("--skip", s)]
    r = subprocess.run([sys.executable, "-m", "packager", *args], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    return out, json.loads(r.stdout)


@pytest.fixture(scope="module")
def tabs(bench_page):
    b = Browser()
    try:
        yield {w: Tab(b, bench_page[0], w) for w in (390, 1280)}
    finally:
        b.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_bench_page_loads_clean_and_is_not_blank(tabs, width, tmp_path):
    from PIL import Image

    tab = tabs[width]
    assert tab.page.console == [] and tab.page.requests == []
    assert tab.eval("document.scripts.length") == 0
    assert tab.eval("document.documentElement.scrollWidth") <= width
    shot = tmp_path / f"bench-{width}.png"
    shot.write_bytes(tab.screenshot())
    assert len(Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 24)) > 50, shot


def test_medians_on_the_page_are_the_runs(tabs, bench_page):
    _, doc = bench_page
    cells = dict(tabs[1280].eval("[...document.querySelectorAll('td[data-field=median]')].map(td => [td.dataset.key, td.textContent])"))
    measured = {r["key"]: r for r in doc["rows"] if r["status"] == "measured"}
    assert measured and set(measured) <= set(cells)
    for key, r in measured.items():
        assert cells[key] == fmt_ms(r["median_ms"]), key


def test_reference_bar_stacks_its_stages(tabs, bench_page):
    _, doc = bench_page
    by = {r["key"]: r for r in doc["rows"]}
    tips = tabs[1280].eval("[...document.querySelectorAll('svg rect > title')].map(t => t.textContent)")
    for key, name in bench_html.REFERENCE_STAGES:
        assert f"{name}: {fmt_ms(by[key]['median_ms'])}" in tips, name
    # a chart with a table beside it, captioned, headers scoped
    assert tabs[1280].eval("document.querySelectorAll('table caption').length") >= 1
    assert tabs[1280].eval("document.querySelectorAll('th[scope=row]').length") >= len(by)


def test_generated_code_frames_stack_inference_and_pre_post():
    rows = [Row("mobile", "mobile-inference-kotlin-640x480", "  model inference (reference), 640x480 frame",
                stats=Stats(4.0, None, 5)),
            Row("mobile", "mobile-kotlin-640x480", "Kotlin pre+post, 640x480 frame", stats=Stats(0.5, None, 5),
                baseline="mobile-inference-kotlin-640x480", ratio=0.125)]
    html = bench_html.render(Report(rows))
    bar = re.search(r"<text[^>]*>Kotlin pre\+post, 640x480 frame</text><text[^>]*>([^<]*)</text>(.*?)</svg>", html)
    assert bar and bar.group(1) == fmt_ms(4.5)
    assert "model inference: 4.000 ms" in bar.group(2) and "pre+post: 0.500 ms" in bar.group(2)
    assert "0.12× model inference (reference), 640x480 frame" in html  # the ratio bar, against its baseline
