"""The token-signing key pair: Ed25519, two PEM files.

Only identity holds the private key (`AUTH_PRIVATE_KEY_FILE`, 0600); every service holds the public
key (`AUTH_PUBLIC_KEY_FILE`), so no service's configuration can mint a token. `tools.deploy`
generates the pair on first run; nothing else ever writes it.
"""
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.secret_files import write_secret

PRIVATE_KEY_NAME = "token-signing.pem"
PUBLIC_KEY_NAME = "token-signing.pub.pem"
CREATED_BY = "python -m tools.deploy"


class KeyFileMissing(Exception):
    """A key file is missing, unreadable or not an Ed25519 key: the message is one line naming the
    file and the command that creates it."""


def load_public_key(path):
    return _load(path, "public", lambda data: serialization.load_pem_public_key(data), Ed25519PublicKey)


def load_private_key(path):
    return _load(path, "private", lambda data: serialization.load_pem_private_key(data, password=None),
                 Ed25519PrivateKey)


def _load(path, kind, parse, expected):
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyFileMissing(f"the token-signing {kind} key {path} cannot be read ({exc.strerror}); "
                             f"`{CREATED_BY}` creates it") from None
    try:
        key = parse(data)
    except ValueError:
        key = None
    if not isinstance(key, expected):
        raise KeyFileMissing(f"{path} is not an Ed25519 {kind} key in PEM; `{CREATED_BY}` creates one "
                             f"(move this file away first)")
    return key


def generate_key_pair(private_path, public_path):
    """Write a new pair unless the private key exists; -> True if created. The private key is written
    0600 in a 0700 directory (shared.secret_files)."""
    private_path, public_path = Path(private_path), Path(public_path)
    if private_path.exists():
        if not public_path.exists():   # the public half can always be derived again
            _write_public(load_private_key(private_path), public_path)
        return False
    key = Ed25519PrivateKey.generate()
    write_secret(private_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    _write_public(key, public_path)
    return True


def _write_public(private_key, public_path):
    public_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.write_bytes(private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def check_key_files(config):
    """Raise KeyFileMissing unless the keys this service's config names can be read: every service the
    public key, identity also the private key."""
    load_public_key(config["AUTH_PUBLIC_KEY_FILE"])
    if config.get("AUTH_PRIVATE_KEY_FILE"):
        load_private_key(config["AUTH_PRIVATE_KEY_FILE"])
