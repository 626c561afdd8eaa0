"""``DIR/report.html``: one self-contained page, loaded in a real browser (Debian's chromium),
whose numbers are the manifest's and whose pictures are the reference's."""

from __future__ import annotations

import base64
import html as html_text
import io
import re

import numpy as np
import pytest
from browser import Browser, Tab
from build_helpers import run_cli

from packager.export import install, summary
from packager.export.coverage import PROVIDERS
from packager.htmlreport import buildreport as htmlreport
from packager.htmlreport import images

WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture(scope="module")
def report(default_build):
    return default_build.out / "report.html"


@pytest.fixture(scope="module")
def tabs(report, tmp_path_factory):
    """The page at phone and desktop widths, light and dark; screenshots kept beside the test's
    temporary files (their paths are in the assertion messages)."""
    b = Browser()
    shots = tmp_path_factory.mktemp("report-screenshots")
    try:
        out = {}
        for name, width in WIDTHS.items():
            for dark in (False, True):
                tab = Tab(b, report, width, dark=dark)
                key = f"{name}{'-dark' if dark else ''}"
                (shots / f"{key}.png").write_bytes(tab.screenshot())
                out[key] = (tab, shots / f"{key}.png")
        yield out
    finally:
        b.close()


def test_build_prints_the_report_path_last(default_build, report):
    assert report.is_file() and list(default_build.summary)[-1] == "report"
    assert default_build.summary["report"] == str(report)
    assert summary.summary_text(default_build.summary).splitlines()[-1] == f"report: {report}"


def test_page_needs_nothing_but_itself(report):
    html = report.read_text()
    assert "<script" not in html.lower()
    refs = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert refs and all(r.startswith("data:image/png;base64,") for r in refs), [r[:40] for r in refs if not r.startswith("data:")]
    assert "<link" not in html and "@import" not in html and "url(" not in html


@pytest.mark.parametrize("key", ["phone", "phone-dark", "desktop", "desktop-dark"])
def test_page_loads_without_errors_or_requests(tabs, key):
    tab, _ = tabs[key]
    assert tab.page.console == [] and tab.page.requests == []
    assert tab.eval("document.scripts.length") == 0


@pytest.mark.parametrize("key", ["phone", "desktop"])
def test_every_image_decodes_and_has_alt_text(tabs, key, reference):
    tab, _ = tabs[key]
    imgs = tab.eval("[...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt])")
    # each photo: the annotated photo, the detector input, one crop per face
    expected = sum(2 + len(reference(make())) for make in images.PHOTOS.values())
    assert len(imgs) == expected
    assert all(ok and w > 0 and h > 0 and alt for ok, w, h, alt in imgs), imgs


def test_coverage_on_the_page_is_the_manifests(tabs, default_build):
    tab, _ = tabs["desktop"]
    cells = tab.eval("[...document.querySelectorAll('td[data-provider]')].map(td => "
                     "[td.dataset.model, td.dataset.provider, td.dataset.stage, td.dataset.field, td.textContent])")
    got = {tuple(c[:4]): c[4] for c in cells}
    expected = {}
    for role, e in default_build.manifest("android")["models"].items():
        stages = {"before": e["coverage"]["before"], "after": e["coverage"]["after"],
                  "fp16": e["artifacts"]["fp16"]["coverage"], "int8": e["artifacts"]["int8"]["coverage"]}
        for stage, cov in stages.items():
            for p in PROVIDERS:
                expected[(role, p, stage, "nodes")] = f"{cov[p]['supported_nodes']}/{cov[p]['nodes']}"
                expected[(role, p, stage, "partitions")] = str(cov[p]["partitions"])
    assert len(cells) == len(expected) == 48
    assert got == expected


def test_confusion_matrix_is_recomputed_from_the_bundle(tabs, default_build, reference):
    from packager import onnxrt
    from packager.export import calibration

    root = default_build.bundle("android")
    entry = default_build.manifest("android")["models"]["face_emotion_recognition"]
    fp32 = onnxrt.session(root / entry["artifacts"]["fp32"]["file"], ort_format=True)
    int8 = onnxrt.session(root / entry["artifacts"]["int8"]["file"], ort_format=True, replay=False)
    name, k = entry["inputs"][0]["name"], len(entry["labels"])
    want = np.zeros((k, k), dtype=int)
    for x in calibration.real_inputs(reference).emotion_held_out:
        want[np.argmax(fp32.run(None, {name: x})[0]), np.argmax(int8.run(None, {name: x})[0])] += 1
    tab, _ = tabs["desktop"]
    cells = tab.eval("[...document.querySelectorAll('table.confusion td[data-row]')].map(td => "
                     "[+td.dataset.row, +td.dataset.col, +td.textContent])")
    got = np.zeros((k, k), dtype=int)
    for i, j, n in cells:
        got[i, j] = n
    assert len(cells) == k * k and np.array_equal(got, want)
    assert int(np.trace(want)) == entry["artifacts"]["int8"]["agreement"]["agreeing"]


def _data_uri_images(html: str) -> dict[str, np.ndarray]:
    from PIL import Image

    out = {}
    for data, alt in re.findall(r'src="data:image/png;base64,([^"]+)"[^>]*alt="([^"]*)"', html):
        out[html_text.unescape(alt)] = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))))
    return out


def test_detector_input_shown_is_the_bundles_sample(report, default_build):
    """The astronaut's letterboxed tensor on the page is samples/face_detection.sample_input.npy in pixels:
    put back through the manifest's formula it gives the tensor to within half a pixel step."""
    root = default_build.bundle("android")
    entry = default_build.manifest("android")["models"]["face_detection"]
    x = np.load(root / next(iter(entry["samples"]["inputs"].values())))
    shown = [v for alt, v in _data_uri_images(report.read_text()).items() if alt.startswith("the detector's input for astronaut")]
    assert len(shown) == 1
    pre = entry["preprocessing"]
    back = shown[0].astype(np.float64) * pre["norm_scale"] + pre["norm_offset"]
    assert back.shape == x.shape[1:]
    assert np.max(np.abs(back - x[0])) <= 0.5 * pre["norm_scale"] + 1e-6


def test_faces_on_the_page_are_the_references(tabs, reference):
    tab, _ = tabs["desktop"]
    text = tab.eval("document.body.innerText")
    for make in images.PHOTOS.values():
        for f in reference(make()):
            assert f"{f.score:.3f}" in text and f"{f.emotion.top_probability:.1%}" in text


def test_parity_not_run_is_said(tabs):
    tab, _ = tabs["desktop"]
    assert "Parity was not run by this build." in tab.eval("document.body.innerText")


@pytest.mark.parametrize("key", ["phone", "phone-dark", "desktop", "desktop-dark"])
def test_screenshots_are_not_blank_and_fit_the_width(tabs, key):
    from PIL import Image

    tab, path = tabs[key]
    shot = Image.open(path).convert("RGB")
    width = WIDTHS[key.split("-")[0]]
    assert shot.width == width and tab.eval("document.documentElement.scrollWidth") <= width, path
    colours = shot.getcolors(maxcolors=1 << 24)
    assert len(colours) > 100, f"{path}: {len(colours)} colours"


def test_dark_mode_changes_the_page(tabs):
    bg = {k: tabs[k][0].eval("getComputedStyle(document.body).backgroundColor") for k in ("desktop", "desktop-dark")}
    assert bg["desktop"] != bg["desktop-dark"], bg


def test_two_builds_write_the_same_report(default_build, second_build):
    assert (second_build.out / "report.html").read_bytes() == (default_build.out / "report.html").read_bytes()


def test_a_file_packager_did_not_write_is_not_replaced(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "report.html").write_text("my notes\n")
    code, stdout, stderr = run_cli("build", "--out", str(out), "--quiet")
    assert code == 2 and stdout == "" and "report.html" in stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]
    assert (out / "report.html").read_text() == "my notes\n"


def test_staged_report_of_a_dead_build_is_removed(tmp_path):
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".{htmlreport.NAME}.packager-tmp-{dead.pid}-0123abcd"
    stale.write_text("half a report")
    assert install.remove_stale(tmp_path) == [stale] and not stale.exists()


def test_page_pictures_are_the_photos(report):
    """The annotated photos keep the photos' sizes (drawn on, not resampled)."""
    shown = _data_uri_images(report.read_text())
    for name, make in images.PHOTOS.items():
        (photo,) = [v for alt, v in shown.items() if alt.startswith(f"{name} photo")]
        assert photo.shape == make().shape
        assert not np.array_equal(photo, make())  # faces are drawn


def test_tensor_pixels_invert_the_emotion_preprocessing(default_build):
    root = default_build.bundle("ios")
    entry = default_build.manifest("ios")["models"]["face_emotion_recognition"]
    x = np.load(root / next(iter(entry["samples"]["inputs"].values())))
    px = images.tensor_pixels(x, entry).astype(np.float64)
    pre = entry["preprocessing"]
    back = (px - pre["mean"][0]) * pre["scale"][0]
    assert np.max(np.abs(back - np.squeeze(x))) <= 0.5 * abs(pre["scale"][0]) + 1e-6


def test_which_precision_ships_where_is_the_manifests(tabs, default_build):
    """Per target, each variant's shipped cell reads the manifest's choice (default / yes / no)."""
    tab, _ = tabs["desktop"]
    cells = tab.eval("[...document.querySelectorAll('td[data-variant]')].map(td => "
                     "[td.dataset.target, td.dataset.variant, td.textContent])")
    got = {(t, v): text for t, v, text in cells}
    expected = {}
    for target in ("android", "ios"):
        pr = default_build.manifest(target)["precision"]
        for v, rec in pr["variants"].items():
            expected[(target, v)] = ("default" if v == pr["default"] else "yes") if rec["shipped"] else "no"
    assert got == expected
    assert got[("android", "int8")] == "default" and got[("ios", "int8")] == "no" and got[("ios", "fp32")] == "default"
