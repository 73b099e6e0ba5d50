"""The server's secret key, used to sign the CSRF token of forms shown before sign-in.

From ``$HIPNAV_SECRET_KEY`` when set (a clinic server with several machines sets the same
key everywhere); otherwise generated once into the user's data folder (``secret_key``,
readable by the user only). Never in the repository.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from hipnav.store.database import data_dir

ENV = "HIPNAV_SECRET_KEY"


def secret_key(folder: Path | None = None) -> bytes:
    value = os.environ.get(ENV)
    if value:
        return value.encode()
    path = (folder or data_dir()) / "secret_key"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    # Written to a private temporary file, then linked into place: two workers starting at
    # once both try, one wins, and both end up reading the same complete key.
    key = secrets.token_urlsafe(48).encode()
    tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_bytes().strip()
