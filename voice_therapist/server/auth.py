"""Who is talking: a bearer token names one user, and nothing else does.

The storage layer's Storage is the Authenticator the server runs with (tokens are kept there
as digests, issued by `voice-therapist user add`); any object with this one method will do.
"""

from __future__ import annotations

from typing import Protocol

MAX_TOKEN_CHARS = 256  # longer is not a token of ours: refused before any lookup


class Authenticator(Protocol):
    def user_for_token(self, token: str) -> str | None:
        """The user id the token belongs to, or None for an unknown token."""


def user_for(auth: Authenticator, token: str) -> str | None:
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return auth.user_for_token(token)
