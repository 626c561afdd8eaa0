"""A build that fails or is interrupted leaves the previous bundles exactly as they were and no
half-written folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from build_helpers import file_hashes, run_cli

from packager.errors import PackagerError
from packager.export import facebundle, install
from packager.options import BuildOptions
from packager.cache import Cache
from packager.progress import Progress


@pytest.fixture
def previous(default_build, tmp_path) -> Path:
    """An output folder holding a previous build (marked, so that any replacement shows)."""
    out = tmp_path / "dist"
    for t in ("android", "ios"):
        shutil.copytree(default_build.bundle(t), out / t)
        (out / t / "previous-build.txt").write_text("old bundle\n")
    return out


def _snapshot(out: Path) -> dict:
    return {t: file_hashes(out / t) for t in ("android", "ios")}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


class InterruptAt(Progress):
    """Progress that raises KeyboardInterrupt (what Ctrl-C raises) when a stage starts."""

    def __init__(self, prefix: str):
        super().__init__(quiet=True)
        self.prefix = prefix
        self.seen: list[str] = []

    @contextmanager
    def stage(self, name):
        self.seen.append(name)
        if name.startswith(self.prefix):
            raise KeyboardInterrupt
        with super().stage(name):
            yield


@pytest.mark.parametrize("stage", ["writing the ios bundle", "installing"])
def test_interrupt_midway_leaves_previous_bundles(previous, stage):
    before = _snapshot(previous)
    progress = InterruptAt(stage)
    with pytest.raises(KeyboardInterrupt):
        facebundle.build(BuildOptions(out=previous), progress, Cache())
    assert "writing the android bundle" in progress.seen  # the android bundle was fully staged
    assert _snapshot(previous) == before
    assert _leftovers(previous) == []


def test_failed_int8_check_leaves_previous_bundles_and_clears_dead_staging(default_build, previous):
    agreement = default_build.manifest("android")["models"]["face_detection"]["artifacts"]["int8"]["agreement"]
    assert agreement["percent"] < 100.0  # else this test needs another way to fail the build
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = previous / f".android.packager-tmp-{dead.pid}-0123abcd"
    (stale / "src/main/assets").mkdir(parents=True)
    alive = previous / f".ios.packager-tmp-{os.getpid()}-0123abcd"
    alive.mkdir()
    before = _snapshot(previous)
    code, out, err = run_cli("build", "--out", str(previous), "--quantize", "int8", "--min-int8-agreement", "100", "--quiet")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("packager: error: face_detection int8 agrees with fp32 on")
    assert _snapshot(previous) == before
    assert not stale.exists() and alive.exists()  # a live build's staging folder is not touched
    alive.rmdir()


def test_sigint_from_the_terminal_exits_130_and_leaves_previous_bundles(previous, cache_root):
    before = _snapshot(previous)
    # The build pauses when the stage starts (interrupts.pause_for_test) until the signal comes:
    # no race with the stage lines, which a pipe only gets when a stage ends.
    env = dict(os.environ, PACKAGER_CACHE=str(cache_root), PACKAGER_TEST_PAUSE_AT="finding faces")
    repo = Path(facebundle.__file__).resolve().parents[2]  # this checkout's packager, whatever pip points at
    proc = subprocess.Popen([sys.executable, "-m", "packager", "build", "--out", str(previous)], cwd=repo,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen = ""
    while not seen.endswith("paused at: finding faces for calibration and checks (LFW, astronaut)\n"):
        line = proc.stderr.readline()
        assert line, f"build ended before the stage: {seen}"
        seen += line
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=120)
    assert proc.returncode == 130, seen + rest
    assert rest == "packager: interrupted; nothing was written\n"
    assert _snapshot(previous) == before
    assert _leftovers(previous) == []


def test_an_interrupt_a_library_swallowed_stops_the_next_stage(previous):
    """Ctrl-C raised inside code that swallows it (a destructor, an ``except BaseException``)
    is acted on at the next stage boundary, before anything is installed."""
    from packager import interrupts

    before = _snapshot(previous)
    progress = Progress(quiet=True)
    previous_handler = interrupts.handle()
    try:
        with pytest.raises(KeyboardInterrupt):
            with progress.stage("a stage whose library swallows Ctrl-C"):
                try:
                    os.kill(os.getpid(), signal.SIGINT)
                    for _ in range(1000):  # the handler runs between these bytecodes
                        pass
                except KeyboardInterrupt:
                    pass  # swallowed, as a library would
        with pytest.raises(KeyboardInterrupt):
            facebundle.build(BuildOptions(out=previous), progress, Cache())
    finally:
        interrupts.restore(previous_handler)
    assert _snapshot(previous) == before and _leftovers(previous) == []


def test_install_swaps_all_bundles_or_none(tmp_path):
    out = tmp_path / "dist"
    for t in ("android", "ios"):
        (out / t).mkdir(parents=True)
        (out / t / "manifest.json").write_text(f"old {t}")
    staged = {t: install.staging_dir(out, t) for t in ("android", "ios")}
    (staged["android"] / "manifest.json").write_text("new android")
    staged["ios"].rmdir()  # the second swap fails: its staged folder is gone
    with pytest.raises(OSError):
        install.install(staged, out)
    assert (out / "android" / "manifest.json").read_text() == "old android"
    assert (out / "ios" / "manifest.json").read_text() == "old ios"
    install.discard(p for p in staged.values() if p.exists())
    assert _leftovers(out) == []


def test_install_replaces_previous_bundles(tmp_path):
    out = tmp_path / "dist"
    (out / "android").mkdir(parents=True)
    (out / "android" / "manifest.json").write_text("old")
    staged = {t: install.staging_dir(out, t) for t in ("android", "ios")}
    for t, p in staged.items():
        (p / "manifest.json").write_text(f"new {t}")
    install.install(staged, out)
    assert [(out / t / "manifest.json").read_text() for t in ("android", "ios")] == ["new android", "new ios"]
    assert _leftovers(out) == []


def test_refuses_to_replace_a_folder_that_is_not_a_bundle(tmp_path):
    mine = tmp_path / "dist" / "android"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine")
    code, _, err = run_cli("build", "--out", str(tmp_path / "dist"), "--target", "android", "--quiet")
    assert code == 2 and "is not a packager bundle" in err and err.count("\n") == 1
    assert (mine / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("args,message", [
    (["--min-int8-agreement", "150"], "give a percentage from 0 to 100"),
    (["--emotion-recipe", "emotion-ferplus"], "needs its model file"),
    (["--emotion-model", "/nonexistent/model.tflite"], "model file not found"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    code, out, err = run_cli("build", "--out", str(tmp_path / "dist"), "--quiet", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_options_are_checked_before_any_work(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(PackagerError, match="not a folder"):
        facebundle.check_options(BuildOptions(out=tmp_path / "file"))
