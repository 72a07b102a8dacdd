"""Reading a file to edit it, and writing it back only if nobody changed it meanwhile; creating a new
file only where none exists. The text keeps its byte-order mark and line ends."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


class EditError(ValueError):
    """Why an edit was refused (nothing was written)."""


@dataclass(frozen=True, slots=True)
class ReadFile:
    rel: str
    text: str
    """As written, without a byte-order mark."""
    bom: bool
    digest: str

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"


def read_for_edit(root: Path, rel: str) -> ReadFile:
    try:
        data = (root / rel).read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EditError(f"cannot read {rel}: {exc}") from None
    return ReadFile(rel, text.removeprefix("\ufeff"), text.startswith("\ufeff"), hashlib.sha256(data).hexdigest())


def write_if_unchanged(root: Path, read: ReadFile, text: str) -> None:
    """Replace the file with `text`, atomically, if its bytes are still those `read` saw."""
    path = root / read.rel
    try:
        now = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        now = ""
    if now != read.digest:
        raise EditError(f"{read.rel} changed since it was read; nothing was written (run the command again)")
    data = (("\ufeff" if read.bom else "") + text).encode("utf-8")
    mode = path.stat().st_mode & 0o777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_new(root: Path, rel: str, text: str) -> None:
    """Create `rel` with `text`; never overwrite an existing file."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="") as out:
            out.write(text)
    except FileExistsError:
        raise EditError(f"{rel} exists already; nothing was written") from None
