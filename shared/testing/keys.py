"""One token-signing key pair per test session, in a temporary directory removed at exit."""
import atexit
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shared.web.keys import PRIVATE_KEY_NAME, PUBLIC_KEY_NAME, generate_key_pair, load_private_key


@dataclass(frozen=True)
class KeyPair:
    private_file: str
    public_file: str

    @property
    def private_key(self):
        return _private_key(self.private_file)

    def environ(self):
        """What a service process started by a test needs to verify this pair's tokens."""
        return {"AUTH_PUBLIC_KEY_FILE": self.public_file}


def new_key_pair(directory):
    directory = Path(directory)
    pair = KeyPair(str(directory / PRIVATE_KEY_NAME), str(directory / PUBLIC_KEY_NAME))
    generate_key_pair(pair.private_file, pair.public_file)
    return pair


@lru_cache(maxsize=None)
def session_keys():
    directory = tempfile.mkdtemp(prefix="test-keys-")
    atexit.register(shutil.rmtree, directory, True)
    return new_key_pair(directory)


@lru_cache(maxsize=None)
def _private_key(path):
    return load_private_key(path)
