"""Key material kept in the instance folder, generated on first run.

Files are created atomically (written aside, then hard-linked into place), so several
gunicorn workers starting together agree on one key.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_secret(path: Path, nbytes: int = 32) -> bytes:
    """The bytes stored at ``path``; a new random secret the first time."""
    if not path.exists():
        write_new_file(path, secrets.token_bytes(nbytes))
    return path.read_bytes()


def write_new_file(path: Path, content: bytes) -> bool:
    """Create ``path`` with ``content`` (mode 0600) unless it exists; ``True`` if this call made
    it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(content)
    try:
        os.link(temporary, path)
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
