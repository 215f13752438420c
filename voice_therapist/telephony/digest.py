"""HTTP digest authentication as SIP uses it (RFC 2617, RFC 3261 22.4): answering a registrar's challenge."""

from __future__ import annotations

import hashlib
import re
import secrets

_PARAM = re.compile(r'([A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+)')
_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


class DigestError(ValueError):
    """A challenge we cannot answer; the message says why."""


def parse_challenge(header: str) -> dict[str, str]:
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        raise DigestError(f"unsupported authentication scheme {scheme[:20]!r}")
    params = {name.lower(): value.strip('"') for name, value in _PARAM.findall(rest)}
    if "realm" not in params or "nonce" not in params:
        raise DigestError("digest challenge without realm or nonce")
    return params


def authorization(challenge: dict[str, str], method: str, uri: str, username: str, password: str,
                  nonce_count: int = 1, cnonce: str | None = None) -> str:
    """The Authorization (or Proxy-Authorization) header value that answers `challenge`."""
    algorithm = challenge.get("algorithm", "MD5").upper()
    if algorithm not in _HASHES:
        raise DigestError(f"unsupported digest algorithm {algorithm[:20]!r}")
    h = _HASHES[algorithm]

    def digest(text: str) -> str:
        return h(text.encode()).hexdigest()

    realm, nonce = challenge["realm"], challenge["nonce"]
    ha1 = digest(f"{username}:{realm}:{password}")
    ha2 = digest(f"{method}:{uri}")
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    fields = [f'username="{username}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"']
    if "auth" in qops:
        cnonce = cnonce or secrets.token_hex(8)
        nc = f"{nonce_count:08x}"
        response = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        fields += [f'response="{response}"', "qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
    elif qops:
        raise DigestError(f"unsupported qop {challenge['qop'][:20]!r}")
    else:
        fields.append(f'response="{digest(f"{ha1}:{nonce}:{ha2}")}"')
    fields.append(f"algorithm={algorithm}")
    if "opaque" in challenge:
        fields.append(f'opaque="{challenge["opaque"]}"')
    return "Digest " + ", ".join(fields)
