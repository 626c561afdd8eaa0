"""`packager run` as a user runs it: real photos in, faces out; bad input → one line, exit 2,
nothing written."""

import json

import numpy as np
import pytest
from packager_cli import one_line_error, packager
from PIL import Image

from packager import samples



@pytest.fixture(scope="module")
def astronaut_png(tmp_path_factory, prepared_default):
    p = tmp_path_factory.mktemp("img") / "astronaut.png"
    Image.fromarray(samples.astronaut()).save(p)
    return p


def test_run_reports_one_happy_face(astronaut_png):
    r = packager("run", astronaut_png)
    assert r.returncode == 0, r.stderr
    assert f"{astronaut_png}: 1 face" in r.stdout and "happy" in r.stdout and "right_eye" in r.stdout


def test_run_json_and_annotate(astronaut_png, tmp_path):
    out = tmp_path / "annotated.png"
    r = packager("run", astronaut_png, "--json", "--annotate", out)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    [img] = doc["images"]
    [face] = img["faces"]
    assert face["emotion"]["label"] == "happy" and set(face["keypoints"]) >= {"left_eye", "right_eye"}
    assert face["box"]["width"] > 50 and 0 < face["score"] <= 1
    # The same face normalized to the 512×512 image (x / width, y / height).
    assert face["normalized_box"] == pytest.approx({k: v / 512 for k, v in face["box"].items()})
    assert set(face["normalized_keypoints"]) == set(face["keypoints"])
    eye, norm_eye = face["keypoints"]["right_eye"], face["normalized_keypoints"]["right_eye"]
    assert norm_eye == pytest.approx({"x": eye["x"] / 512, "y": eye["y"] / 512})
    drawn = np.asarray(Image.open(out))
    assert drawn.shape == (512, 512, 3) and not np.array_equal(drawn, samples.astronaut())


def test_run_standin_recipe_via_cli(astronaut_png, standin_files):
    r = packager("run", astronaut_png, "--json", "--emotion-recipe", "emotion-ferplus",
                 "--emotion-model", standin_files["emotion-ferplus"])
    assert r.returncode == 0, r.stderr
    face = json.loads(r.stdout)["images"][0]["faces"][0]
    assert set(face["emotion"]["probabilities"]) == {"neutral", "happiness", "surprise", "sadness", "anger",
                                                      "disgust", "fear", "contempt"}


def test_image_modes_are_handled(tmp_path, reference):
    rgb = samples.astronaut()
    gray = Image.fromarray(rgb).convert("L")
    variants = {
        "gray.png": gray,
        "rgba.png": Image.fromarray(rgb).convert("RGBA"),
        "palette.png": Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE),
        "gray16.png": Image.fromarray((np.asarray(gray).astype(np.uint16) * 257)),
    }
    for name, img in variants.items():
        img.save(tmp_path / name)
    r = packager("run", "--json", *[tmp_path / n for n in variants])
    assert r.returncode == 0, r.stderr
    for img in json.loads(r.stdout)["images"]:
        assert len(img["faces"]) == 1, img["image"]


def test_exif_orientation_is_applied(tmp_path, prepared_default):
    rotated = Image.fromarray(np.ascontiguousarray(np.rot90(samples.astronaut())))  # lying on its side
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view": undoes the counter-clockwise rot90
    rotated.save(tmp_path / "exif.jpg", exif=exif, quality=95)
    r = packager("run", "--json", tmp_path / "exif.jpg")
    assert r.returncode == 0, r.stderr
    [face] = json.loads(r.stdout)["images"][0]["faces"]
    assert 165 < face["box"]["x"] < 195 and face["emotion"]["label"] == "happy"


def test_bad_images(tmp_path, astronaut_png):
    (tmp_path / "zero.png").write_bytes(b"")
    (tmp_path / "text.png").write_text("hello")
    data = astronaut_png.read_bytes()
    (tmp_path / "trunc.png").write_bytes(data[: len(data) // 2])
    Image.new("L", (9000, 9000)).save(tmp_path / "bomb.png")
    out = tmp_path / "out.png"
    cases = {"missing.png": "image not found", "zero.png": "image file is empty", "text.png": "not an image",
             "trunc.png": "truncated", "bomb.png": "too large to decode safely"}
    for name, needle in cases.items():
        one_line_error(packager("run", tmp_path / name, "--annotate", out), needle)
        assert not out.exists()


def test_bad_options_and_models(tmp_path, astronaut_png):
    (tmp_path / "bad.onnx").write_bytes(b"\x08\x03garbage")
    one_line_error(packager("run", astronaut_png, "--emotion-recipe", "emotion-ferplus",
                            "--emotion-model", tmp_path / "bad.onnx"), "not a valid ONNX model")
    one_line_error(packager("run", astronaut_png, "--emotion-recipe", "nope"), "choose one of")
    one_line_error(packager("run", astronaut_png, "--annotate", tmp_path / "no" / "dir.png"), "does not exist")


def test_failed_annotate_keeps_the_previous_file(tmp_path, astronaut_png):
    out = tmp_path / "keep.png"
    out.write_bytes(b"previous")
    one_line_error(packager("run", tmp_path / "missing.png", "--annotate", out), "image not found")
    assert out.read_bytes() == b"previous"


def test_help_teaches():
    r = packager("--help")
    assert r.returncode == 0 and "examples:" in r.stdout and "run" in r.stdout
    r = packager("run", "--help")
    assert "--emotion-model" in r.stdout and "cache" in r.stdout


def test_a_reader_that_goes_away_gets_no_traceback(astronaut_png):
    """`packager run ... | head`: the output pipe is closed before the JSON is written; the command
    stops quietly (exit 141, as a tool killed by SIGPIPE) instead of printing a traceback."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)
    try:
        r = subprocess.run([sys.executable, "-m", "packager", "run", str(astronaut_png), "--json"], stdout=write,
                           stderr=subprocess.PIPE, text=True, env=os.environ.copy(), timeout=900)
    finally:
        os.close(write)
    assert r.returncode == 141, r.stderr
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr
