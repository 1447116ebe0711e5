"""Output folders that appear whole or not at all, and TOML input files.

Every command that writes a folder (``lzsm run``, ``lzsm crossings``, applications) assembles
it in a temporary sibling and renames it into place only when everything has been written, so
an error or an interrupt leaves no partial output behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lzsm.errors import LzsmValueError


def check_output_folder(out_dir: str | os.PathLike, force: bool) -> Path:
    """``out_dir`` as a Path; an existing folder is an error unless ``force``."""
    out = Path(out_dir)
    if out.exists() and not force:
        raise LzsmValueError(f"output folder {str(out)!r} exists; use --force to replace it")
    return out


@contextmanager
def atomic_folder(out_dir: str | os.PathLike, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``out_dir``, on any failure it is removed."""
    out = check_output_folder(out_dir, force)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    try:
        yield tmp
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
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
