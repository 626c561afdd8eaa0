"""Throughput mode: `packager run DIR` or a glob runs every image on worker processes, in input
order, with the same results as the reference one image at a time, and reports images/s."""

import json

import numpy as np
import pytest
from packager_cli import packager
from PIL import Image

from packager import samples



@pytest.fixture(scope="module")
def folder(tmp_path_factory, prepared_default):
    d = tmp_path_factory.mktemp("photos")
    imgs = samples.parity_images()
    for i, name in enumerate(["astronaut", "two_faces", "no_face", "portrait", "landscape", "lfw7"]):
        Image.fromarray(imgs[name]).save(d / f"{i}_{name}.png")
    (d / "notes.txt").write_text("not an image")  # not an image suffix: ignored
    return d


def test_folder_runs_on_workers_in_order_with_the_reference_results(folder, reference):
    r = packager("run", folder, "--json", "--workers", 2)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    paths = [img["image"] for img in doc["images"]]
    assert paths == sorted(str(p) for p in folder.glob("*.png"))
    for img in doc["images"]:
        expected = reference(np.asarray(Image.open(img["image"]).convert("RGB")))
        assert len(img["faces"]) == len(expected), img["image"]
        for got, want in zip(img["faces"], expected):
            assert got["box"]["x"] == pytest.approx(want.box[0], abs=1e-9)
            assert got["emotion"]["label"] == want.emotion.top_label
    t = doc["throughput"]
    assert t["images"] == 6 and t["workers"] == 2 and t["images_per_second"] > 0
    assert t["faces"] == sum(len(img["faces"]) for img in doc["images"])


def test_glob_pattern_and_text_summary(folder):
    r = packager("run", folder / "[0-9]_[a-l]*.png")  # quoted pattern, as a shell passes it
    assert r.returncode == 0, r.stderr
    heads = [l for l in r.stdout.splitlines() if not l.startswith(" ")]
    assert [h.split("/")[-1] for h in heads] == ["0_astronaut.png: 1 face", "4_landscape.png: 1 face", "5_lfw7.png: 1 face"]
    assert "images/s" in r.stderr.splitlines()[-1]


def test_throughput_mode_errors_are_one_line(folder, tmp_path):
    r = packager("run", tmp_path / "nothing*.png")
    assert r.returncode == 2 and r.stderr.strip() == f"packager: error: no files match {tmp_path / 'nothing*.png'}"
    (tmp_path / "empty").mkdir()
    r = packager("run", tmp_path / "empty")
    assert r.returncode == 2 and "no image or video files" in r.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.png").write_text("hello")
    r = packager("run", bad, "--json")
    # a folder whose every image fails: each reported, exit 1 ("some failed"), the JSON still whole
    assert r.returncode == 1 and "not an image" in r.stderr and "Traceback" not in r.stderr
    [entry] = json.loads(r.stdout)["images"]
    assert entry["image"].endswith("broken.png") and "not an image" in entry["error"]
