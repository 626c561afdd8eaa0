"""`packager run VIDEO` as a user runs it, on real footage (tests/footage.py): face counts per
analysed frame, one track per person, steadier smoothed labels, CSV rows, an annotated video
Chromium plays, rotation, images and videos in one call, and broken videos."""

import csv
import json

import numpy as np
import pytest
from footage import FACE_FRAMES, cut_in_half, make_clips, read_frames, shipped, write_clip
from packager_cli import one_line_error, packager
from PIL import Image

from packager import samples

CARPHONE = shipped("carphone_pristine.mp4")


def run_json(*args):
    r = packager("run", "--json", *args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def changes(labels):
    return sum(a != b for a, b in zip(labels, labels[1:]))


@pytest.fixture(scope="module")
def clips(tmp_path_factory, prepared_default):
    return make_clips(tmp_path_factory.mktemp("clips"))


@pytest.fixture(scope="module")
def carphone_every_frame(prepared_default):
    [video] = run_json(CARPHONE)["videos"]
    return video


def test_one_person_is_one_track_across_the_whole_clip(carphone_every_frame):
    v = carphone_every_frame
    assert v["video"] == str(CARPHONE) and v["frames_total"] == 120 and v["fps"] == pytest.approx(30000 / 1001)
    assert (v["width"], v["height"]) == (176, 144)
    assert [f["frame"] for f in v["frames"]] == list(range(120))
    assert [f["time"] for f in v["frames"]] == pytest.approx([k * 1001 / 30000 for k in range(120)])
    assert all(len(f["faces"]) == 1 for f in v["frames"])
    assert {face["track"] for f in v["frames"] for face in f["faces"]} == {1}
    t = v["throughput"]
    assert t["frames_per_second"] == pytest.approx(120 / t["seconds"])


def test_a_face_carries_an_image_face_plus_track_and_smoothed(carphone_every_frame):
    face = carphone_every_frame["frames"][5]["faces"][0]
    assert set(face) == {"box", "score", "keypoints", "normalized_box", "normalized_keypoints", "emotion", "track", "smoothed"}
    assert set(face["smoothed"]) == {"label", "probabilities"}
    assert list(face["smoothed"]["probabilities"]) == list(face["emotion"]["probabilities"])
    # a convex combination of the raw ones, which sum to 1 in the model's float32
    assert sum(face["smoothed"]["probabilities"].values()) == pytest.approx(1.0, abs=1e-6)
    first = carphone_every_frame["frames"][0]["faces"][0]
    assert first["smoothed"] == first["emotion"]  # a track's first face is its own smoothed value


def test_fewer_smoothed_than_raw_label_changes(carphone_every_frame):
    """The man changes expression over 4 s; the raw top label also flickers frame to frame."""
    faces = [f["faces"][0] for f in carphone_every_frame["frames"]]
    raw = changes([f["emotion"]["label"] for f in faces])
    smoothed = changes([f["smoothed"]["label"] for f in faces])
    assert smoothed < raw / 2, (raw, smoothed)
    assert smoothed >= 1  # the expression does change: smoothing does not freeze the label


@pytest.mark.parametrize("name", ["enters", "leaves"])
def test_every_24_on_a_face_that_enters_or_leaves(clips, name):
    """The issue's check: one entry per analysed frame (0, 24, 48, …) with the right face count."""
    [v] = run_json(clips[name], "--every", "24")["videos"]
    total = v["frames_total"]
    assert [f["frame"] for f in v["frames"]] == list(range(0, total, 24))
    assert [len(f["faces"]) for f in v["frames"]] == [int(k in FACE_FRAMES[name]) for k in range(0, total, 24)]


@pytest.mark.parametrize("name", ["enters", "leaves"])
def test_every_frame_of_a_face_that_enters_or_leaves(clips, name):
    """Frame by frame: a face exactly where a person sees one, one track while it is in view
    (a cyclist crossing the frame at half a face width per frame)."""
    [v] = run_json(clips[name])["videos"]
    assert [len(f["faces"]) for f in v["frames"]] == [int(k in FACE_FRAMES[name]) for k in range(v["frames_total"])]
    assert {face["track"] for f in v["frames"] for face in f["faces"]} == {1}


def test_every_n_analyses_every_nth_frame_and_keeps_the_track(prepared_default):
    [v] = run_json(CARPHONE, "--every", "7")["videos"]
    assert v["every"] == 7 and v["frames_total"] == 120
    assert [f["frame"] for f in v["frames"]] == list(range(0, 120, 7))
    assert {face["track"] for f in v["frames"] for face in f["faces"]} == {1}


def test_csv_rows(clips, tmp_path):
    out = tmp_path / "faces.csv"
    doc = run_json(clips["leaves"], "--every", "10", "--csv", out)
    rows = list(csv.DictReader(out.open()))
    labels = list(doc["videos"][0]["frames"][0]["faces"][0]["emotion"]["probabilities"])
    assert list(rows[0]) == ["file", "frame", "time", "track", "x", "y", "width", "height", "score", "label",
                             "smoothed_label", *labels, *[f"smoothed_{l}" for l in labels]]
    assert [r["frame"] for r in rows] == ["0", "10", "20", "30", "40"]  # one row per frame: one face or none
    face, empty = rows[1], rows[2]
    want = doc["videos"][0]["frames"][1]["faces"][0]
    assert face["track"] == str(want["track"]) and float(face["x"]) == want["box"]["x"]
    assert face["label"] == want["emotion"]["label"]
    assert face["smoothed_label"] == want["smoothed"]["label"]
    assert float(face[f"smoothed_{labels[0]}"]) == want["smoothed"]["probabilities"][labels[0]]
    assert empty["file"] == str(clips["leaves"]) and float(empty["time"]) == pytest.approx(20 / 25)
    assert all(empty[k] == "" for k in list(rows[0])[3:])


def test_annotate_has_every_frame_and_chromium_plays_it(tmp_path, prepared_default):
    """The annotated video: the input's frame count and rate, H.264 yuv420p, the labels drawn; a
    real Chromium plays it to the end (every frame decoded, none dropped)."""
    from browser import Browser, Tab

    from packager.videofiles import VideoReader

    out = tmp_path / "annotated.mp4"
    r = packager("run", CARPHONE, "--annotate", out, "--every", "3")
    assert r.returncode == 0, r.stderr
    with VideoReader(out) as v:
        frames = list(v.frames())
        assert len(frames) == 120 and v.rate == VideoReader(CARPHONE).rate
        assert v.stream.codec_context.name == "h264" and v.stream.codec_context.pix_fmt == "yuv420p"
    original = read_frames(CARPHONE, 0, 120)
    for k in (0, 1, 2, 119):  # every frame is drawn on, the ones between analysed frames too
        assert np.abs(frames[k].rgb.astype(int) - original[k]).max() > 100, k
    (tmp_path / "play.html").write_text(f'<!doctype html><html><body><video src="{out.name}" muted playsinline>'
                                        '</video></body></html>')
    browser = Browser()
    try:
        tab = Tab(browser, tmp_path / "play.html", 800)
        got = tab.eval("""new Promise(done => {
            const v = document.querySelector("video");
            v.onerror = () => done({error: v.error && v.error.code});
            v.onended = () => { const q = v.getVideoPlaybackQuality();
                done({w: v.videoWidth, h: v.videoHeight, duration: v.duration,
                      frames: q.totalVideoFrames, dropped: q.droppedVideoFrames}); };
            v.play().catch(e => done({error: String(e)}));
        })""")
    finally:
        browser.close()
    assert got == {"w": 176, "h": 144, "duration": pytest.approx(120 * 1001 / 30000, abs=0.01), "frames": 120,
                   "dropped": 0}, got


def test_rotation_from_the_container_is_applied(tmp_path, prepared_default):
    """A phone-style file: frames stored turned a quarter clockwise, a display matrix saying turn
    them back.  The face is found where it is in the upright clip."""
    upright_frames = read_frames(CARPHONE, 0, 6)
    stored = [np.ascontiguousarray(np.rot90(f, -1)) for f in upright_frames]  # clockwise, as a sensor
    rotated = write_clip(tmp_path / "phone.mov", stored, 30, rotation=90)
    plain = write_clip(tmp_path / "plain.mov", upright_frames, 30)
    [a], [b] = run_json(rotated)["videos"], run_json(plain)["videos"]
    assert (a["width"], a["height"]) == (176, 144)
    for fa, fb in zip(a["frames"], b["frames"]):
        [x], [y] = fa["faces"], fb["faces"]
        assert x["box"] == pytest.approx(y["box"], abs=3)


def test_images_and_videos_in_one_call(tmp_path, clips, prepared_default):
    png = tmp_path / "astronaut.png"
    Image.fromarray(samples.astronaut()).save(png)
    doc = run_json(png, clips["enters"], "--every", "12")
    assert [i["image"] for i in doc["images"]] == [str(png)] and len(doc["images"][0]["faces"]) == 1
    assert [v["video"] for v in doc["videos"]] == [str(clips["enters"])]
    r = packager("run", png, clips["enters"], "--every", "12")
    assert r.returncode == 0 and f"{png}: 1 face" in r.stdout and "frame 24 (0.96 s): 1 face" in r.stdout
    assert "track 1:" in r.stdout and "frames/s" in r.stderr


def test_a_truncated_video_keeps_the_frames_read(tmp_path, prepared_default):
    """Exit 1, one error line, the JSON and CSV hold every frame before the damage, and the
    annotated video holds every frame read."""
    _, cut = cut_in_half(tmp_path, ".mp4", {"movflags": "+faststart"})
    out, table = tmp_path / "annotated.mp4", tmp_path / "rows.csv"
    r = packager("run", cut, "--json", "--csv", table, "--annotate", out)
    assert r.returncode == 1, r.stderr
    errors = [l for l in r.stderr.splitlines() if l.startswith("packager: error:")]
    assert len(errors) == 1 and "truncated" in errors[0] and "Traceback" not in r.stderr
    [v] = json.loads(r.stdout)["videos"]
    n = v["frames_total"]
    assert 30 < n < 90 and len(v["frames"]) == n and "truncated" in v["error"]
    assert all(len(f["faces"]) == 1 for f in v["frames"])
    assert len(list(csv.DictReader(table.open()))) == n
    assert len(read_frames(out)) == n


def test_bad_videos_and_outputs(tmp_path, clips, prepared_default):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.mkv").write_text("not a video " * 50)
    one_line_error(packager("run", tmp_path / "missing.mp4"), "video not found")
    one_line_error(packager("run", tmp_path / "empty.mp4"), "video file is empty")
    one_line_error(packager("run", tmp_path / "text.mkv"), "not a video FFmpeg can read")
    one_line_error(packager("run", clips["enters"], "--every", "0"), "--every 0")
    one_line_error(packager("run", clips["enters"], "--annotate", tmp_path / "out.png"), "use a .mp4 file name")
    one_line_error(packager("run", clips["enters"], "--annotate", clips["enters"]), "is the input")
    (tmp_path / "dir.mp4").mkdir()
    one_line_error(packager("run", clips["enters"], "--annotate", tmp_path / "dir.mp4"), "is a folder")
    one_line_error(packager("run", clips["enters"], clips["leaves"], "--annotate", tmp_path / "o.mp4"), "one image or video")
    one_line_error(packager("run", clips["enters"], "--csv", tmp_path), "use a .csv file name")
    (tmp_path / "dir.csv").mkdir()
    one_line_error(packager("run", clips["enters"], "--csv", tmp_path / "dir.csv"), "is a folder")
    one_line_error(packager("run", clips["enters"], "--csv", tmp_path / "no" / "rows.csv"), "does not exist")
    # a bad video among good ones: nothing is done, nothing written
    one_line_error(packager("run", clips["enters"], tmp_path / "text.mkv", "--csv", tmp_path / "rows.csv"), "text.mkv")
    assert not (tmp_path / "rows.csv").exists()
