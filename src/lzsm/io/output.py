"""Output folders and scan stores: whole or not at all, marked, locked, replaced only when lzsm's own.

Every command that writes a folder (``lzsm run``, ``lzsm map``, ``lzsm crossings``,
applications) and every scan store (:func:`lzsm.scan` with ``store=``) follows the same rules
(``docs/output.md``):

* **marker** -- every output folder lzsm writes holds ``.lzsm-output`` (JSON: what wrote it, the
  command, the lzsm version, when).  ``force`` replaces only a folder that holds it, and never
  the root, the home folder, the working directory or a folder that contains it.
* **lock** -- a writer holds an exclusive lock on ``.NAME.lzsm-lock`` beside the folder or store
  ``NAME`` for its whole run; the file names the holder (PID, host, since when, command).  The
  operating system drops the lock when the process ends, however it ends (``kill -9``
  included); a second writer meanwhile is refused with :class:`~lzsm.errors.LzsmLockedError`.
* **atomic** -- a folder is assembled in a marked sibling ``.NAME.partial-*`` and renamed into
  place when everything has been written; a folder it replaces is first moved aside to
  ``.NAME.replaced-*`` and then deleted.
* **debris** -- the writer that holds the lock deletes the marked ``.NAME.partial-*`` and
  ``.NAME.replaced-*`` siblings (and marked ``.final-*`` folders inside ``NAME``) left by runs
  that were killed: they held the same lock, so they are gone.  Nothing else is touched.
"""

from __future__ import annotations

import glob
import json
import os
import shlex
import shutil
import socket
import sys
import tempfile
import time
import tomllib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from lzsm._version import __version__
from lzsm.errors import LzsmLockedError, LzsmTypeError, LzsmValueError

#: The file that marks a folder as written by lzsm.
MARKER = ".lzsm-output"
_LOCK_SUFFIX = ".lzsm-lock"
_SIBLING_DEBRIS = ("partial", "replaced")
_INNER_DEBRIS = ".final-"


# --------------------------------------------------------------------------- paths
def target_path(path: Any, what: str = "output folder") -> Path:
    """``path`` as an absolute Path (symlinks of its parents resolved, its own name kept).

    ``what`` names the argument in messages (``"output folder"``, ``"`store`"``)."""
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise LzsmTypeError(f"{what} must be a path (str or os.PathLike), got {type(path).__name__} {path!r}")
    text = os.fsdecode(os.fspath(path))
    if not text.strip():
        raise LzsmValueError(f"{what} must be a non-empty path, got {text!r}")
    p = Path(text)
    if p.name in ("", ".", ".."):  # '.', '..', 'a/..', '/': an existing folder, by name
        return p.resolve()
    return p.parent.resolve() / p.name


def _exists(p: Path) -> bool:
    return p.exists() or p.is_symlink()


def check_creatable(target: Path, what: str = "output folder") -> None:
    """The nearest existing ancestor of ``target``'s folder is a writable folder (so ``target``
    and its siblings, the lock and temporary folders, can be created)."""
    ancestor = target.parent
    while not _exists(ancestor):
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise LzsmValueError(f"{what} {str(target)!r} cannot be created: {str(ancestor)!r} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise LzsmValueError(f"{what} {str(target)!r} cannot be created: the folder {str(ancestor)!r} is not writable")


def check_replaceable(target: Path, what: str = "output folder") -> None:
    """``target`` is a folder that lzsm wrote (it holds the marker) and none of the folders
    ``force`` must never replace: the root, the home folder, the working directory or one of its
    ancestors.  A symbolic link is refused too (lzsm would replace the link, not the folder)."""
    refuse = f"refusing to replace {what} {str(target)!r}"
    elsewhere = "--force replaces only a folder that lzsm wrote: choose another folder"
    if target.is_symlink():
        raise LzsmValueError(f"{refuse}: it is a symbolic link; {elsewhere}, or give the folder the link points to")
    if not target.is_dir():
        raise LzsmValueError(f"{refuse}: it is a file, not a folder; {elsewhere}")
    real = target.resolve()
    cwd = Path.cwd().resolve()
    if real == Path(real.anchor):
        raise LzsmValueError(f"{refuse}: it is the root folder; {elsewhere}")
    with suppress(RuntimeError, KeyError):  # no home folder known: nothing to compare with
        if real == Path.home().resolve():
            raise LzsmValueError(f"{refuse}: it is the home folder; {elsewhere}")
    if real == cwd:
        raise LzsmValueError(f"{refuse}: it is the working directory; {elsewhere}")
    if cwd.is_relative_to(real):
        raise LzsmValueError(f"{refuse}: it contains the working directory {str(cwd)!r}; {elsewhere}")
    if read_marker(target) is None:
        raise LzsmValueError(
            f"{refuse}: lzsm did not write it (it has no {MARKER} file); {elsewhere}, or delete it yourself"
        )


def check_output_folder(out_dir: str | os.PathLike, force: bool) -> Path:
    """``out_dir`` as an absolute Path, checked before anything is computed: an existing folder
    is an error unless ``force`` and it is lzsm's own (:func:`check_replaceable`); a new one must
    be creatable (:func:`check_creatable`)."""
    out = target_path(out_dir)
    if _exists(out):
        if not force:
            raise LzsmValueError(f"output folder {str(out)!r} exists; use --force to replace it")
        check_replaceable(out)
    check_creatable(out)  # the folder that will hold it (and its lock) is writable
    return out


def check_output_file(path: str | os.PathLike, force: bool) -> Path:
    """An output file (``lzsm evolve --out``) as an absolute Path: an existing one only with
    ``force``; its folder must exist or be creatable."""
    out = target_path(path, "--out")
    if _exists(out) and not force:
        raise LzsmValueError(f"--out {str(out)!r} exists; use --force to overwrite it")
    check_creatable(out, "--out")
    return out


# --------------------------------------------------------------------------- the marker
def _command() -> str:
    return shlex.join(getattr(sys, "orig_argv", sys.argv))


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %z")


def write_marker(folder: Path, target: Path, kind: str, state: str) -> None:
    """Write (atomically) the marker of an lzsm output folder: ``kind`` is what wrote it (``run``,
    ``map``, ``crossings``, an application, ``scan``), ``state`` ``partial``, ``running`` or
    ``complete``; ``target`` is the folder it belongs to (a temporary folder is marked with the
    final one)."""
    info = {
        "lzsm_output": 1,
        "kind": kind,
        "target": target.name,
        "state": state,
        "version": __version__,
        "command": _command(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "written": _now(),
    }
    tmp = folder / f"{MARKER}.tmp"
    tmp.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MARKER)


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of ``folder`` (a dict), or None if lzsm did not write it."""
    try:
        info = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and info.get("lzsm_output") == 1 else None


def marked_tempdir(parent: Path, prefix: str, target: Path, kind: str) -> Path:
    """A new temporary folder in ``parent``, marked at once as lzsm's (for ``target``), so that a
    killed run leaves only debris that the next run recognises."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    write_marker(tmp, target, kind, "partial")
    return tmp


# --------------------------------------------------------------------------- the lock
def lock_path(target: Path) -> Path:
    """The lock file of an output folder or store: ``.NAME.lzsm-lock`` beside it."""
    return target.with_name(f".{target.name}{_LOCK_SUFFIX}")


def _holder(path: Path) -> str:
    """Who holds the lock ``path``, from what it wrote into the file (it writes right after
    locking, so an empty file is read again for a moment)."""
    deadline = time.monotonic() + 1.0
    while True:
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return "another process (which has just finished: try again)"
        except (OSError, ValueError):
            info = None
        if isinstance(info, dict) and "pid" in info:
            command = " ".join(str(info.get("command", "")).split())
            if len(command) > 160:
                command = command[:157] + "..."
            return f"PID {info['pid']} on {info.get('host', '?')} since {info.get('since', '?')} ({command})"
        if time.monotonic() > deadline:
            return "another process (which has not recorded itself)"
        time.sleep(0.05)


@contextmanager
def locked(target: Path, what: str = "output folder") -> Iterator[None]:
    """Hold the exclusive lock of ``target`` (an absolute path) while the block runs.

    Refused at once with :class:`~lzsm.errors.LzsmLockedError` naming the holder if another
    process holds it.  The lock is ``flock``/``LockFileEx`` on ``.NAME.lzsm-lock`` (through
    ``filelock.lock_descriptor``): the operating system releases it when the process dies.
    The file holds the holder's PID, host, start time and command, and is deleted on release."""
    import filelock

    path = lock_path(target)
    for _ in range(100):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            got = filelock.lock_descriptor(fd, blocking=False)
        except BaseException:
            os.close(fd)
            raise
        if not got:
            os.close(fd)
            raise LzsmLockedError(
                f"{what} {str(target)!r} is locked by {_holder(path)}: another lzsm run is writing it; "
                "wait for it to finish or stop it"
            )
        try:  # the previous holder deletes the file before it unlocks: lock the file that is there
            current = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            current = False
        if current:
            break
        os.close(fd)
    else:  # pragma: no cover - a hundred holders in a row between open and lock
        raise LzsmLockedError(f"{what} {str(target)!r}: its lock file {str(path)!r} keeps being replaced; try again")
    try:
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": _now(), "command": _command()}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(holder).encode())
        yield
    finally:
        with suppress(OSError):
            path.unlink()  # before unlocking: a process that opened it meanwhile sees it is gone
        os.close(fd)  # releases the lock


# --------------------------------------------------------------------------- debris
def remove_debris(target: Path) -> list[Path]:
    """Delete what killed writers of ``target`` left: marked ``.NAME.partial-*`` and
    ``.NAME.replaced-*`` siblings and marked ``.final-*`` folders inside ``target`` (and such
    folders that are still empty, killed before their marker was written).  Call it holding the
    lock of ``target``: every writer of ``target`` holds it, so their owners are dead.  Returns
    what was deleted."""
    name = glob.escape(target.name)
    candidates = [p for kind in _SIBLING_DEBRIS for p in target.parent.glob(f".{name}.{kind}-*")]
    if target.is_dir() and not target.is_symlink():
        candidates += list(target.glob(f"{_INNER_DEBRIS}*"))
    removed = []
    for p in sorted(candidates):
        if p.is_symlink() or not p.is_dir():
            continue
        marker = read_marker(p)
        unmarked_yet = {c.name for c in p.iterdir()} <= {MARKER, f"{MARKER}.tmp"}  # killed while marking it
        if (marker is not None and marker.get("target") == target.name) or unmarked_yet:
            delete_folder(p)
            removed.append(p)
    return removed


def delete_folder(folder: Path) -> None:
    """Delete an lzsm folder, its marker last: a kill midway leaves a folder still recognised as lzsm's."""
    for child in folder.iterdir():
        if child.name != MARKER:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


def move_aside(target: Path) -> Path:
    """Rename the lzsm folder ``target`` (checked with :func:`check_replaceable`) to
    ``.NAME.replaced-*`` beside it, to be deleted once its replacement is in place: a kill midway
    leaves debris that the next run removes, never a half-deleted folder under its name."""
    aside = target.with_name(f".{target.name}.replaced-{uuid.uuid4().hex[:12]}")
    os.rename(target, aside)
    return aside


# --------------------------------------------------------------------------- atomic folders
@contextmanager
def atomic_folder(out_dir: str | os.PathLike, force: bool = False, *, kind: str = "run") -> Iterator[Path]:
    """Yield a marked temporary folder; on success it becomes ``out_dir``, on any failure it is removed.

    The whole block runs holding the lock of ``out_dir`` (:func:`locked`).  An existing
    ``out_dir`` is refused unless ``force`` and it is a folder lzsm wrote
    (:func:`check_replaceable`); it is replaced only once the new folder is complete."""
    out = check_output_folder(out_dir, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out):
        out = check_output_folder(out, force)  # again, now that no lzsm run can change it
        remove_debris(out)
        tmp = marked_tempdir(out.parent, f".{out.name}.partial-", out, kind)
        try:
            yield tmp
            write_marker(tmp, out, kind, "complete")
            if _exists(out):
                if not force:
                    raise LzsmValueError(
                        f"output folder {str(out)!r} was created by another program while lzsm ran; "
                        "lzsm leaves it alone and discards its results: choose another folder"
                    )
                check_replaceable(out)
                aside = move_aside(out)
                os.replace(tmp, out)
                delete_folder(aside)
            else:
                os.replace(tmp, out)
        except BaseException:
            with suppress(OSError):  # what is left is marked debris, removed by the next run
                delete_folder(tmp)
            raise


def read_toml(path: str | os.PathLike) -> dict[str, Any]:
    """Parse a TOML input file; a missing or malformed file is a one-line error."""
    p = Path(path)
    if not p.is_file():
        raise LzsmValueError(f"scenario file {str(p)!r} does not exist")
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LzsmValueError(f"scenario file {p.name} is not valid TOML: {exc}") from None
