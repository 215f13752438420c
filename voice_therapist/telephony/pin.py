"""Phone PINs: only a salted scrypt hash is kept in the configuration, never the PIN itself.

A hash reads `scrypt$<n>$<r>$<p>$<salt hex>$<key hex>`; `voice-therapist pin-hash` makes one.
A PIN of a few digits can still be guessed offline from its hash, so the configuration file
stays private all the same; the hash only keeps the PIN out of plain sight.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # about 65 ms and 16 MiB per check: three tries a call cost little, a brute force more
KEY_BYTES = 32
SALT_BYTES = 16
MIN_DIGITS, MAX_DIGITS = 4, 12
# A hash no PIN matches: callers without one are checked against it, so a check takes as long either way.
_NOBODY = f"{SCHEME}${N}${R}${P}${'00' * SALT_BYTES}${'00' * KEY_BYTES}"


class PinHashError(ValueError):
    """A stored PIN hash that cannot be read."""


def check_pin(pin: str) -> str:
    """The PIN as typed on a keypad: 4 to 12 digits, else a ValueError that says why."""
    if not pin.isdigit() or not pin.isascii():
        raise ValueError("a PIN is digits only (0-9), typed on the phone's keypad")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise ValueError(f"a PIN has {MIN_DIGITS} to {MAX_DIGITS} digits, this one has {len(pin)}")
    return pin


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = _derive(check_pin(pin), salt, N, R, P)
    return f"{SCHEME}${N}${R}${P}${salt.hex()}${key.hex()}"


def parse_pin_hash(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    """(n, r, p, salt, key) of a stored hash; PinHashError names what is wrong (never echoing the value)."""
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PinHashError(f"expected {SCHEME}$n$r$p$salt$key, as `voice-therapist pin-hash` prints it")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, key = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        raise PinHashError("n, r and p must be numbers, salt and key hexadecimal") from None
    if n < 2**10 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16 or n * r > 2**20:
        raise PinHashError("n must be a power of two from 1024, with r 1..32, p 1..16 and n*r at most 2^20")
    if len(salt) < 8 or len(key) != KEY_BYTES:
        raise PinHashError(f"the salt needs at least 8 bytes and the key {KEY_BYTES}")
    return n, r, p, salt, key


def pin_matches(entered: str, encoded: str | None) -> bool:
    """Whether the digits entered are the PIN of this hash; None (no PIN set) matches nothing, as slowly."""
    n, r, p, salt, key = parse_pin_hash(encoded or _NOBODY)
    candidate = _derive(entered, salt, n, r, p)
    return hmac.compare_digest(candidate, key) and encoded is not None


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * n * r + 2**20,
                          dklen=KEY_BYTES)
