"""Where commands write: one rule for every output path, checked before any work starts, and one
way to write a file so that a failure (full disk, read-only, a name too long) is one line and
leaves the previous file as it was.

Every output of every command goes through here: ``run --annotate``, ``bench --html``,
``build``/``convert --out`` and the packager cache.  The rule (``check_file``, ``check_folder``)
refuses, with one line naming the option: an empty name; a name longer than the file system
takes; a folder where a file is wanted, a file where a folder is wanted, or a path under a file;
an existing file that is not a regular file (a device, a FIFO: replacing ``/dev/null`` as root
would be a disaster); an output that is one of the command's inputs; and a place that does not
take a new file (read-only, ``/proc``: tried with a probe file, since permission bits do not tell,
e.g. for root).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import tempfile
from pathlib import Path

from packager.errors import PackagerError

#: File name length when the file system does not say (Linux ext4, tmpfs, APFS).
NAME_MAX = 255
#: The name of a staging path (``staging_path``; ``old`` for a bundle moved aside while installing,
#: ``-new`` for a staged bundle moved back after a failed swap) and what it was staged for.
STAGING = re.compile(r"^\.(?P<name>.+)\.packager-(tmp|old)-(?P<pid>\d+)-[0-9a-f]+(-new)?$")


def staging_path(out: Path, name: str, kind: str = "tmp") -> Path:
    """A fresh hidden path in ``out`` for ``name`` (a bundle folder or a single file such as the
    build report), not created; ``export.install`` swaps it into place."""
    return out / f".{name}.packager-{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def _check_name(raw: str, what: str) -> None:
    """Empty names (``Path('')`` would quietly be ``.``) and components longer than the file
    system takes."""
    if not raw.strip():
        raise PackagerError(f"{what} is empty; give a path")
    path = Path(raw)
    existing = _nearest_existing(path)
    try:
        limit = os.pathconf(existing if existing.is_dir() else existing.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = NAME_MAX
    for part in path.parts:
        if len(os.fsencode(part)) > limit:
            raise PackagerError(f"{what}: the name {part[:40]}… is {len(os.fsencode(part))} bytes long; "
                                f"this file system takes at most {limit}")


def _nearest_existing(path: Path) -> Path:
    existing = path.absolute()
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    return existing


def _probe(folder: Path, what: str, path: Path) -> None:
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".packager-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise PackagerError(f"{what} {path}: cannot write in {folder} ({e.strerror})") from None


def check_folder(path: str | os.PathLike, what: str) -> Path:
    """An output folder (existing or to be created): a name, not a file nor under one, in a
    place that takes new files.  Returns it as a ``Path``."""
    raw = os.fspath(path)
    path = Path(raw)
    _check_name(raw, what)
    existing = _nearest_existing(path)
    if not existing.is_dir():
        where = "is a file" if existing == path.absolute() else f"is under {existing}, which is a file"
        raise PackagerError(f"{what} {path} {where}, not a folder")
    _probe(existing, what, path)
    return path


def check_file(path: str | os.PathLike, what: str, inputs=(), input_kind: str = "input") -> Path:
    """An output file: a name, not a folder, not a device or FIFO, not one of ``inputs``, in an
    existing folder that takes new files.  Returns it as a ``Path``."""
    raw = os.fspath(path)
    _check_name(raw, what)
    path = Path(raw)
    if os.path.isdir(raw):
        raise PackagerError(f"{what} {path} is a folder; give a file name")
    parent = path.absolute().parent
    existing = _nearest_existing(parent)
    if not existing.is_dir():
        raise PackagerError(f"{what} {path}: {existing} is a file, not a folder")
    if existing != parent:
        raise PackagerError(f"{what} {path}: folder {path.parent} does not exist")
    if os.path.exists(raw):
        if not os.path.isfile(raw):
            raise PackagerError(f"{what} {path} exists and is not a regular file; give another file name")
        for src in inputs:
            if os.path.exists(src) and os.path.samefile(raw, src):
                raise PackagerError(f"{what} {path} is the {input_kind} {src}; write to another file")
    _probe(parent, what, path)
    return path


def failed(e: OSError, what: str, kept: str) -> PackagerError:
    """The one line for an ``OSError`` while writing ``what``: why, and what stayed as it was."""
    why = e.strerror or str(e)
    if e.errno == errno.ENOSPC:
        why += " (the disk is full)"
    return PackagerError(f"writing {what} failed: {why}; {kept}")


@contextlib.contextmanager
def writing(what: str, kept: str):
    """Turn an ``OSError`` raised inside into one line (``failed``)."""
    try:
        yield
    except OSError as e:
        raise failed(e, what, kept) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old bytes or the new ones, never a mix.  The file's
    mode follows the umask, as ``open`` would give it (``mkstemp`` alone gives 0600).  On any
    failure the temporary file is removed and the error raised."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name[:100], suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_file(path: Path, data: bytes, what: str) -> None:
    """``write_atomic``, a failure being one line: the previous file stays."""
    with writing(f"{what} {path}", "the previous file, if any, is unchanged"):
        write_atomic(path, data)


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
