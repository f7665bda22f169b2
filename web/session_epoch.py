"""The server-side epoch of editor sessions: signing out starts a new one.

A signed-in session holds an HMAC of the editor token *and* the current epoch (web/auth.py),
so a new epoch ends every older sign-in, even a session cookie replayed after sign-out. The
epoch is a random value in a small file (``SESSION_EPOCH_PATH``, by default in ``instance/``),
read on each check; machines that share sign-ins must share that file.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from web.atomicfile import atomic_writer

__all__ = ["current_epoch", "new_epoch"]


def new_epoch(path: str | os.PathLike[str]) -> str:
    """Start a new epoch (written atomically) and return it."""
    epoch = secrets.token_hex(16)
    with atomic_writer(path) as f:
        f.write(epoch + "\n")
    return epoch


def current_epoch(path: str | os.PathLike[str]) -> str:
    """The current epoch (the first one is started on first use)."""
    try:
        epoch = Path(path).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        epoch = ""
    return epoch or new_epoch(path)
