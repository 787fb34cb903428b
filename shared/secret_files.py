"""Secrets kept in files under var/ (never committed): written 0600 in a 0700 directory, atomically,
so that no one else can read them even for an instant and a crash never leaves half a key."""
import os
import tempfile
from pathlib import Path


def write_secret(path, data):
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")   # created 0600
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data.encode() if isinstance(data, str) else data)
        os.replace(scratch, path)
    except BaseException:
        os.unlink(scratch)
        raise


def read_secret(path):
    """The file's text without surrounding whitespace, or None when there is no such file."""
    try:
        return Path(path).read_text().strip() or None
    except FileNotFoundError:
        return None
