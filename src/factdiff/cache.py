"""Files factdiff derives from its shipped data once per machine and reads back on later runs.

Where: ``$FACTDIFF_CACHE_DIR``, else ``$XDG_CACHE_HOME/factdiff``, else ``~/.cache/factdiff``. Every name
carries a stamp of what it was derived from, so a new version of the data or of the code makes a new
file. A cache that cannot be read is rebuilt, one that cannot be written is skipped: never an error.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("FACTDIFF_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "factdiff")
    return Path(base)


def stamp(*parts: str | bytes) -> str:
    """A short hash of ``parts``."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


def write_atomically(path: Path, write: Callable[[Path], None], replaces: str = "") -> bool:
    """``write(tmp)`` then rename to ``path`` (readers never see half a file); False where it cannot.
    Files of the same directory named ``replaces*`` (older stamps of the same data) are then removed."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, path)
        if replaces:
            for old in path.parent.glob(f"{replaces}*"):
                if old != path and not old.name.endswith(".tmp"):
                    old.unlink(missing_ok=True)
        return True
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
