"""Where codegen reads from: templates and the runtime library are package data under
``packager/``; a missing piece is an error, never a partial wrapper; a built wheel carries them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from types import SimpleNamespace
from pathlib import Path

import pytest

from packager import codegen, layout, recipes
from packager.errors import PackagerError
from packager.export import facebundle

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("kotlin", "swift")


def _runtime(lang: str) -> tuple[str, ...]:
    return codegen.language(lang).runtime


def _copy_package_data(dst: Path) -> tuple[Path, Path]:
    """A copy of the templates and the runtime library (symlinks followed) under ``dst``."""
    shutil.copytree(codegen.TEMPLATES, dst / "templates")
    shutil.copytree(codegen.RUNTIME, dst / "runtime")
    return dst / "templates", dst / "runtime"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reads_only_inside_the_package(lang):
    assert codegen.TEMPLATES.parent == codegen.RUNTIME.parent == Path(codegen.__file__).resolve().parents[1]
    assert codegen.render(lang)  # the repository's symlinks resolve


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_template_folder_is_an_error(lang, tmp_path, monkeypatch):
    templates, runtime = _copy_package_data(tmp_path)
    monkeypatch.setattr(codegen, "RUNTIME", runtime)
    monkeypatch.setattr(codegen, "TEMPLATES", templates)
    shutil.rmtree(templates / lang)
    with pytest.raises(PackagerError, match=f"the {lang} templates are missing"):
        codegen.render(lang)
    with pytest.raises(PackagerError, match=f"the {lang} templates are missing"):
        codegen.write(lang, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_template_folder_without_templates_is_an_error(lang, tmp_path, monkeypatch):
    templates, runtime = _copy_package_data(tmp_path)
    monkeypatch.setattr(codegen, "RUNTIME", runtime)
    monkeypatch.setattr(codegen, "TEMPLATES", templates)
    for p in (templates / lang).glob("[!_]*.j2"):
        p.unlink()
    with pytest.raises(PackagerError, match=f"no {lang} templates in"):
        codegen.render(lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_runtime_file_is_an_error(lang, tmp_path, monkeypatch):
    templates, runtime = _copy_package_data(tmp_path)
    monkeypatch.setattr(codegen, "RUNTIME", runtime)
    monkeypatch.setattr(codegen, "TEMPLATES", templates)
    gone = _runtime(lang)[-1]
    (runtime / gone).unlink()
    with pytest.raises(PackagerError, match=f"the {lang} runtime file {gone} is missing"):
        codegen.render(lang)


def test_a_build_with_a_missing_runtime_file_fails(tmp_path, monkeypatch):
    """``packager build`` stops instead of reporting a partial wrapper as generated."""
    templates, runtime = _copy_package_data(tmp_path)
    monkeypatch.setattr(codegen, "RUNTIME", runtime)
    (runtime / _runtime("kotlin")[0]).unlink()
    with pytest.raises(PackagerError, match="runtime file"):
        models = {layout.MODELS["detector"]: SimpleNamespace(recipe=recipes.BLAZEFACE_SHORT_RANGE),
                  layout.MODELS["emotion"]: SimpleNamespace(recipe=recipes.FER_MINIXCEPTION)}
        facebundle.write_wrapper(layout.TARGETS["android"], tmp_path / "bundle", models)


@pytest.mark.slow
def test_wheel_carries_templates_and_runtime(tmp_path):
    """An installed packager renders from its own package data: the wheel holds every template
    and every runtime file (the repository's symlinks followed)."""
    shutil.copytree(ROOT, tmp_path / "src", symlinks=True,
                    ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".build", "dist"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
                           str(tmp_path / "wheel"), str(tmp_path / "src")], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (wheel,) = (tmp_path / "wheel").glob("packager-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    want = {f"packager/templates/{p.relative_to(codegen.TEMPLATES).as_posix()}" for p in codegen.TEMPLATES.rglob("*.j2")}
    want |= {f"packager/runtime/{rel}" for lang in LANGUAGES for rel in _runtime(lang)}
    assert len(want) > 20
    assert sorted(want - names) == []
    with zipfile.ZipFile(wheel) as z:
        for lang in LANGUAGES:
            for rel in _runtime(lang):
                assert z.read(f"packager/runtime/{rel}") == (codegen.RUNTIME / rel).read_bytes(), rel


_DIGEST = """
import hashlib, json
from packager import codegen
print(json.dumps({lang: hashlib.sha256(json.dumps(codegen.render(lang)).encode()).hexdigest()
                  for lang in ("kotlin", "swift")}))
"""


def test_rendering_does_not_depend_on_the_process():
    """Two fresh processes with different hash seeds (set and dict orders) render the same bytes."""
    import os

    digests = [subprocess.run([sys.executable, "-c", _DIGEST], capture_output=True, text=True, check=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed)).stdout for seed in ("1", "2")]
    assert digests[0] == digests[1] and "kotlin" in digests[0]
