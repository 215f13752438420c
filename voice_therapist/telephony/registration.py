"""Staying registered with a registrar (RFC 3261 section 10), answering its digest challenges.

Registration is refreshed before it expires; a refusal or silence is retried with a growing
delay, and the user agent keeps answering calls that reach it directly in the meantime.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
from collections.abc import Awaitable, Callable

from .digest import DigestError, authorization, parse_challenge
from .sip_message import SipMessage, SipMessageError
from .sip_uri import SipUri, parse_uri
from .transactions import Address, new_branch

log = logging.getLogger(__name__)
DEFAULT_EXPIRES = 300
RETRY_S = (5, 15, 30, 60)
Requester = Callable[[SipMessage, Address], Awaitable[SipMessage]]


class RegistrationError(RuntimeError):
    pass


class Registration:
    def __init__(self, registrar: str, username: str, password: str, contact: str, via: tuple[str, int],
                 requester: Requester, expires: int = DEFAULT_EXPIRES):
        self.aor = parse_uri(registrar)  # sip:user@host[:port]: the address callers dial
        self.username = username or self.aor.user
        self._password = password
        self._contact = contact
        self._via = via
        self._request = requester
        self._expires = expires
        self._call_id = secrets.token_hex(12) + "@voice-therapist"
        self._tag = secrets.token_hex(6)
        self._cseq = 0
        self.registered_for = 0  # seconds granted by the last successful REGISTER

    @property
    def registrar_uri(self) -> str:
        return str(SipUri("sip", "", self.aor.host, self.aor.port, {}))

    async def registrar_address(self) -> Address:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(self.aor.host_ip, self.aor.port or 5060, type=socket.SOCK_DGRAM)
        if not infos:
            raise RegistrationError(f"cannot resolve {self.aor.host}")
        return infos[0][4][0], infos[0][4][1]

    def _message(self, expires: int, auth: tuple[str, str] | None) -> SipMessage:
        self._cseq += 1
        aor = f"<{self.aor.scheme}:{self.aor.user}@{self.aor.host}{f':{self.aor.port}' if self.aor.port else ''}>"
        message = SipMessage(method="REGISTER", uri=self.registrar_uri)
        message.headers = [
            ("Via", f"SIP/2.0/UDP {self._via[0]}:{self._via[1]};branch={new_branch()};rport"),
            ("Max-Forwards", "70"), ("From", f"{aor};tag={self._tag}"), ("To", aor),
            ("Call-ID", self._call_id), ("CSeq", f"{self._cseq} REGISTER"), ("Contact", self._contact),
            ("Expires", str(expires)), ("User-Agent", "voice-therapist"),
        ] + ([auth] if auth else [])
        return message

    async def register(self, expires: int | None = None) -> int:
        """One REGISTER exchange, with the digest answer when challenged; returns the seconds granted."""
        expires = self._expires if expires is None else expires
        address = await self.registrar_address()
        auth = None
        for _attempt in range(3):  # first try, a challenge, a stale-nonce challenge
            response = await self._request(self._message(expires, auth), address)
            if response.status in (401, 407):
                header = "WWW-Authenticate" if response.status == 401 else "Proxy-Authenticate"
                challenge = response.get(header)
                if not challenge:
                    raise RegistrationError(f"{response.status} without {header}")
                if auth is not None and "stale=true" not in challenge.lower().replace(" ", ""):
                    raise RegistrationError("the registrar refused our credentials")
                try:
                    answer = authorization(parse_challenge(challenge), "REGISTER", self.registrar_uri,
                                           self.username, self._password)
                except DigestError as exc:
                    raise RegistrationError(str(exc)) from exc
                auth = ("Authorization" if response.status == 401 else "Proxy-Authorization", answer)
                continue
            if 200 <= response.status < 300:
                self.registered_for = _granted(response, expires)
                return self.registered_for
            raise RegistrationError(f"registrar answered {response.status} {response.reason}")
        raise RegistrationError("too many authentication challenges")

    async def keep_registered(self) -> None:
        """Register, refresh at 80% of the time granted, retry with backoff; runs until cancelled."""
        failures = 0
        while True:
            try:
                granted = await self.register()
                failures = 0
                log.info("registered with the registrar for %d s", granted)
                await asyncio.sleep(max(granted * 0.8, 5))
            except (RegistrationError, TimeoutError, OSError, SipMessageError) as exc:
                delay = RETRY_S[min(failures, len(RETRY_S) - 1)]
                failures += 1
                log.warning("registration failed (%s); retrying in %d s", exc, delay)
                await asyncio.sleep(delay)

    async def unregister(self) -> None:
        try:
            await asyncio.wait_for(self.register(expires=0), 3)
        except (RegistrationError, TimeoutError, OSError, SipMessageError) as exc:
            log.info("unregistering failed: %s", exc)


def _granted(response: SipMessage, asked: int) -> int:
    """The expiry the registrar granted: in our Contact's expires parameter, or its Expires header."""
    for contact in ",".join(response.get_all("Contact")).split(","):
        for param in contact.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "expires" and value.strip().isdigit():
                return int(value)
    value = (response.get("Expires") or "").strip()
    return int(value) if value.isdigit() else asked
