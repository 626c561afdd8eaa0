"""Atomic bundle installation: build in a staging folder next to the output, then swap.

A bundle (or a single file: the build report) is written into ``<out>/.<name>.packager-tmp-<pid>-<random>`` (same file system, so
renames are atomic).  Installing swaps it with ``<out>/<name>``: one ``renameat2(RENAME_EXCHANGE)``
on Linux (the old and new folders trade places in one step), else two renames (old aside, new in).
Several bundles (``--target all``) are installed together: if one swap fails, those already
swapped are swapped back, so either every bundle is new or every bundle is as before.  Staging
folders are removed on any failure or interrupt; a build killed outright leaves its staging
folder behind, and the next build removes it (its process id is no longer alive).

What packager did not write in a previous bundle folder is kept: an app developer's ``build/``,
``.gradle/``, ``local.properties``, ``.build/``, ``.swiftpm/``, at any depth.  The previous
bundle's manifest lists every file packager wrote (``owned``); every other entry (the top-most
file, link or folder outside those files) is moved into the staged bundle at the same relative
path before the swap, and moved back if the install fails, so that the old bundle is whole again.
An entry the new bundle also writes is refused before anything moves.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Callable

from packager.errors import PackagerError
from packager.outputs import STAGING, staging_path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False when the system cannot."""
    libc = _libc()
    fn = getattr(libc, "renameat2", None) if libc else None
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: file system or kernel without exchange
        return False
    raise OSError(err, os.strerror(err), str(a))


def staging_dir(out: Path, name: str, kind: str = "tmp") -> Path:
    """A fresh hidden folder in ``out`` for bundle ``name``."""
    path = staging_path(out, name, kind)
    path.mkdir()
    return path


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(out: Path) -> list[Path]:
    """Delete staging folders of builds whose process is gone; returns them."""
    removed = []
    if not out.is_dir():
        return removed
    for p in sorted(out.iterdir()):
        m = STAGING.match(p.name)
        if m and int(m["pid"]) != os.getpid() and not _alive(int(m["pid"])):
            _remove(p)
            removed.append(p)
    return removed


def check_file(path: Path, is_ours) -> None:
    """Refuse to replace anything but a file a previous build wrote (or nothing)."""
    if (path.exists() or path.is_symlink()) and (path.is_symlink() or not path.is_file() or not is_ours(path)):
        raise PackagerError(f"{path} exists and was not written by packager; refusing to replace it (choose another --out)")


def check_target(path: Path, is_bundle) -> None:
    """Refuse to replace anything but a previous bundle (or nothing)."""
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or not path.is_dir():
        raise PackagerError(f"{path} exists and is not a folder; move it away or choose another --out")
    if any(path.iterdir()) and not is_bundle(path):
        raise PackagerError(f"{path} exists and is not a packager bundle; refusing to replace it (choose another --out)")


def _swap_in(staged: Path, final: Path) -> Path | None:
    """Put ``staged`` at ``final``; returns where the previous ``final`` now is (or None).  When
    another build installs ``final`` between the look and the rename, its bundle is replaced
    like any previous one (the last build to install wins)."""
    if not final.exists():
        try:
            os.rename(staged, final)
            return None
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
    if exchange(staged, final):
        return staged
    old = staging_path(final.parent, final.name, "old")
    os.rename(final, old)
    try:
        os.rename(staged, final)
    except BaseException:
        os.rename(old, final)
        raise
    return old


def _swap_back(final: Path, old: Path | None, staged: Path) -> None:
    if old is None:
        os.rename(final, staged)
    elif not exchange(old, final):
        os.rename(final, staged if old != staged else staged.with_name(staged.name + "-new"))
        os.rename(old, final)


def foreign(folder: Path, owned: set[str]) -> list[str]:
    """The entries of a bundle folder that packager did not write, relative (``/``), sorted: every
    top-most file, link or folder that is neither one of ``owned`` (relative file paths) nor a
    folder on the way to one of them.  A folder where packager wrote a file is not packager's."""
    on_the_way = {p.as_posix() for rel in owned for p in PurePosixPath(rel).parents if p.name}
    out = []

    def walk(here: Path, prefix: str) -> None:
        for entry in sorted(here.iterdir()):
            rel = prefix + entry.name
            real_dir = entry.is_dir() and not entry.is_symlink()
            if rel in owned and not real_dir:
                continue
            if rel in on_the_way and real_dir:
                walk(entry, rel + "/")
            else:
                out.append(rel)

    walk(folder, "")
    return out


def _blocked(staged: Path, rel: str) -> bool:
    """Whether the staged bundle already has ``rel`` or a file on its way."""
    dest = staged / rel
    if dest.exists() or dest.is_symlink():
        return True
    return any((staged / p).exists() and not (staged / p).is_dir()
               for p in PurePosixPath(rel).parents if p.name)


def _carry_over(staged: dict[str, Path], out: Path, owned: Callable[[Path], set[str]]) -> list[tuple[Path, Path]]:
    """Move what packager did not write in each previous bundle ``out/<name>`` into its staged
    bundle; returns the moves (from, to).  Refuses (``PackagerError``) before moving anything when
    the new bundle writes one of those entries; a failed move puts the earlier ones back."""
    plan = []
    for name, path in staged.items():
        final = out / name
        if not path.is_dir() or path.is_symlink() or not final.is_dir() or final.is_symlink():
            continue
        entries = foreign(final, owned(final))
        clash = [rel for rel in entries if _blocked(path, rel)]
        if clash:
            raise PackagerError(f"{final / clash[0]} was not written by packager, but the new bundle writes it; "
                                "move it away and run again")
        plan += [(final / rel, path / rel) for rel in entries]
    moved: list[tuple[Path, Path]] = []
    try:
        for src, dest in plan:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.rename(src, dest)
            moved.append((src, dest))
    except BaseException:
        _move_back(moved)
        raise
    return moved


def _move_back(moved: list[tuple[Path, Path]]) -> None:
    for src, dest in reversed(moved):
        os.rename(dest, src)


def install(staged: dict[str, Path], out: Path, owned: Callable[[Path], set[str]] | None = None) -> None:
    """Swap every staged bundle into ``out/<name>`` together (all or none), then delete the
    previous bundles.  ``owned``: previous bundle folder → the relative paths of the files
    packager wrote in it; everything else in it is carried into the new bundle (and back if the
    install fails).  Without ``owned`` the previous folders are replaced whole."""
    moved = _carry_over(staged, out, owned) if owned is not None else []
    done: list[tuple[Path, Path | None, Path]] = []
    try:
        for name, path in staged.items():
            final = out / name
            done.append((final, _swap_in(path, final), path))
    except BaseException:
        for final, old, path in reversed(done):
            _swap_back(final, old, path)
        _move_back(moved)
        raise
    for _, old, _ in done:
        if old is not None:
            _remove(old)


def discard(paths) -> None:
    """Remove staging folders and files (after a failure)."""
    for p in paths:
        _remove(p)
