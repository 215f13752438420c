"""Listener noises ("mm-hm", "yeah", "okay") that say "go on", not "stop"."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"^(?:m+|h*m+h*m*|mhm+|uh[- ]?huh|u+h+|yeah|yes|yep|yup|okay|ok|right|sure|oh|ah+|i see|got it|go on)$")


def is_backchannel(text: str) -> bool:
    """True when every word heard is a backchannel (empty text is not: that is noise)."""
    words = [w for w in re.split(r"[\s,.!?;:]+", text.lower().replace("-", " ")) if w]
    if not words or len(words) > 4:
        return False
    joined = " ".join(words)
    return bool(_TOKEN.match(joined)) or all(_TOKEN.match(w) for w in words)
