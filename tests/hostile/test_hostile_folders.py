"""Throughput mode with bad files among good ones: every good image is reported in input order,
every bad one is reported (stderr line and a JSON entry), the exit code says some failed."""

import json

import pytest
from packager_cli import packager
from PIL import Image

from packager import samples

GOOD = ["a_good.png", "c_good.jpg", "e_good.png"]
BAD = {"b_empty.png": "image file is empty", "d_text.jpg": "not an image", "f_truncated.png": "truncated"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory, prepared_default):
    d = tmp_path_factory.mktemp("mixed")
    img = Image.fromarray(samples.astronaut())
    for name in GOOD:
        img.save(d / name)
    (d / "b_empty.png").write_bytes(b"")
    (d / "d_text.jpg").write_text("hello")
    data = (d / "a_good.png").read_bytes()
    (d / "f_truncated.png").write_bytes(data[: len(data) // 2])
    return d


def error_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("packager: error: ")]


def test_text_mode_reports_all_in_order(folder):
    r = packager("run", folder, "--workers", "2", "--quiet")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    reported = [l.split(":")[0] for l in r.stdout.splitlines() if ": 1 face" in l]
    assert reported == [str(folder / n) for n in GOOD]
    errors = error_lines(r.stderr)
    assert len(errors) == len(BAD)
    for line, (name, needle) in zip(errors, sorted(BAD.items())):
        assert str(folder / name) in line and needle in line, line


def test_json_mode_is_valid_and_has_an_entry_per_file(folder):
    r = packager("run", folder, "--json", "--workers", "2")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    names = sorted(GOOD + list(BAD))
    assert [e["image"] for e in doc["images"]] == [str(folder / n) for n in names]
    for entry in doc["images"]:
        name = entry["image"].rsplit("/", 1)[1]
        if name in BAD:
            assert BAD[name] in entry["error"] and "faces" not in entry
        else:
            assert len(entry["faces"]) == 1 and entry["faces"][0]["emotion"]["label"] == "happy"
    assert doc["throughput"]["failed"] == len(BAD) and doc["throughput"]["images"] == len(names)
    assert len(error_lines(r.stderr)) == len(BAD)


def test_all_good_folder_exits_0(folder, tmp_path):
    for name in GOOD:
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    r = packager("run", tmp_path, "--json", "--workers", "2")
    assert r.returncode == 0 and json.loads(r.stdout)["throughput"]["failed"] == 0
    assert not error_lines(r.stderr)


def test_help_documents_the_exit_codes():
    out = packager("run", "--help").stdout
    text = " ".join(out.split())
    assert "Exit code" in out and "1 when some of several images could not be" in text and "retried once" in text
