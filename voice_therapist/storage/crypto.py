"""Envelope encryption: a master key wraps one AES-256-GCM data key per user.

Every ciphertext is bound (as associated data) to the user and the place it is stored, so a
row copied into another user's record or another column fails to decrypt instead of leaking.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT = b"\x01"  # the first byte of every blob: lets the layout change later without guessing


class MasterKeyError(RuntimeError):
    """The master key is missing, malformed, or not the one the data was written with."""


class DecryptionError(RuntimeError):
    """A ciphertext that does not open with this key and context: tampered, moved or shredded."""


def load_master_key(env_name: str, key_file: Path, environ: dict[str, str] | None = None) -> bytes:
    """The master key from the environment (base64), else from the key file, created 0600 if absent."""
    env = os.environ if environ is None else environ
    raw = env.get(env_name, "")
    if raw:
        return _decode_key(raw, f"${env_name}")
    if key_file.exists():
        return _decode_key(key_file.read_text().strip(), str(key_file))
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(base64.b64encode(key).decode() + "\n")
    return key


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MasterKeyError(f"{where}: the master key is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise MasterKeyError(f"{where}: the master key must be {KEY_BYTES} bytes, not {len(key)}")
    return key


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, context: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, context.encode())


def open_sealed(key: bytes, blob: bytes, context: str) -> bytes:
    if not blob or blob[:1] != FORMAT or len(blob) < 1 + NONCE_BYTES + 16:
        raise DecryptionError(f"not a sealed value ({context.split(':')[0]})")
    try:
        return AESGCM(key).decrypt(blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError(f"cannot decrypt ({context.split(':')[0]}): wrong key or tampered data") from exc


def wrap_key(master: bytes, data_key: bytes, user_id: str) -> bytes:
    return seal(master, data_key, f"user-key:{user_id}")


def unwrap_key(master: bytes, wrapped: bytes, user_id: str) -> bytes:
    try:
        return open_sealed(master, wrapped, f"user-key:{user_id}")
    except DecryptionError as exc:
        raise MasterKeyError("a user's data key does not open with this master key: is it the right one?") from exc
