"""The packager cache: one content-addressed store for every step that takes seconds (model
conversion, .ort conversion, coverage, int8 quantization, the required-operators list).

An entry is ``<kind>/<key>.<name>`` files plus ``<kind>/<key>.json`` recording each file's
sha256.  A key is the sha256 of everything the step's output depends on (input bytes, options,
library versions, ``EXPORT_REVISION``).  An entry whose files are missing or do not match their
recorded hashes, or whose record does not parse or match its own hash, is rebuilt, never
trusted; anything but a regular file where an entry's file belongs (a FIFO, a device) is never
read.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Callable

from packager.errors import PackagerError
from packager.outputs import check_folder, write_atomic

#: Bumped whenever a step changes what it writes.
EXPORT_REVISION = 1

#: The libraries whose versions every cached result depends on (converters and runtimes).
LIBRARIES = ("flatbuffers", "numpy", "onnx", "onnxruntime", "tensorflow", "tf2onnx", "torch")


def cache_dir() -> Path:
    """``$PACKAGER_CACHE``, else ``$XDG_CACHE_HOME/packager``, else ``~/.cache/packager``."""
    if os.environ.get("PACKAGER_CACHE"):
        return Path(os.environ["PACKAGER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "packager"


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def versions() -> dict[str, str]:
    """Versions of ``LIBRARIES`` (``absent`` for one not installed)."""
    out = {}
    for dist in LIBRARIES:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


def key(*parts) -> str:
    """sha256 (hex, 32 chars) of the JSON of ``parts`` plus the library versions and revision."""
    blob = json.dumps({"parts": parts, "versions": versions(), "rev": EXPORT_REVISION}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Cache:
    """The cache under ``root`` (default: ``<packager cache>/export``)."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else cache_dir() / "export"
        check_folder(self.root, "the packager cache ($PACKAGER_CACHE)")
        #: ``kind/key`` of every entry reused / computed, in order.
        self.hits: list[str] = []
        self.misses: list[str] = []

    def files(self, kind: str, k: str, build: Callable[[], tuple[dict[str, bytes], dict]],
              names: tuple[str, ...] = (), fields: tuple[str, ...] = ()) -> tuple[dict[str, bytes], dict]:
        """``build()`` → ({name: bytes}, info), from the cache when an intact entry exists: one
        whose files (at least ``names``) match their recorded hashes and whose info holds at
        least ``fields``.  Anything else in the way (a damaged record, a folder where a file
        belongs, a file where the kind's folder belongs) is replaced."""
        meta_path = self.root / kind / f"{k}.json"
        meta = _read_json(meta_path)
        if meta is not None:
            got = self._load(kind, k, meta)
            if got is not None and set(names) <= got.keys() and set(fields) <= meta["info"].keys():
                self.hits.append(f"{kind}/{k}")
                return got, meta["info"]
        self.misses.append(f"{kind}/{k}")
        files, info = build()
        record = {"files": {n: sha256(d) for n, d in files.items()}, "info": info, "info_sha256": _info_hash(info)}
        try:
            _make_room(self.root / kind, folder=True)
            for name, data in files.items():
                _make_room(self.root / kind / f"{k}.{name}")
                write_atomic(self.root / kind / f"{k}.{name}", data)
            _make_room(meta_path)
            write_atomic(meta_path, json.dumps(record, sort_keys=True).encode())
        except OSError as e:
            raise PackagerError(f"cannot write the packager cache ($PACKAGER_CACHE) at {self.root / kind}: "
                                f"{e.strerror or e}") from None
        # What a later run reads back (sorted keys, lists for tuples): a fresh result and a
        # cached one must be the same value, or the bundle would depend on the cache state.
        return files, json.loads(json.dumps(info, sort_keys=True))

    def path(self, kind: str, k: str, name: str) -> Path:
        """Where file ``name`` of an entry lives (valid after ``files`` returned it)."""
        return self.root / kind / f"{k}.{name}"

    def value(self, kind: str, k: str, build: Callable[[], dict], fields: tuple[str, ...] = ()) -> dict:
        """A JSON-ready dict from ``build()`` (holding at least ``fields``), cached."""
        _, info = self.files(kind, k, lambda: ({}, build()), fields=fields)
        return info

    def _load(self, kind: str, k: str, meta: dict) -> dict[str, bytes] | None:
        files, info = meta.get("files"), meta.get("info")
        if not isinstance(files, dict) or not isinstance(info, dict) or meta.get("info_sha256") != _info_hash(info):
            return None
        out = {}
        for name, digest in files.items():
            data = _read_regular(self.root / kind / f"{k}.{name}")
            if data is None:
                return None
            if sha256(data) != digest:
                return None
            out[name] = data
        return out


def _make_room(path: Path, folder: bool = False) -> None:
    """Remove what stands where the cache writes: a folder where a file belongs, or anything
    but a folder where a folder belongs (the cache is packager's own; nothing there is a user's)."""
    if folder:
        if os.path.lexists(path) and not path.is_dir():
            path.unlink()
    elif path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)


def _info_hash(info: dict) -> str:
    return sha256(json.dumps(info, sort_keys=True).encode())


def _read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file, else None.  Anything else in the cache's place (a FIFO would
    block the read forever, a device would be read as data) is never read; the entry is rebuilt and
    ``write_atomic`` replaces it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO opens without a writer, and is refused below
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_json(path: Path) -> dict | None:
    data = _read_regular(path)
    try:
        value = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
