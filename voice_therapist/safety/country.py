"""The country a person says they are in ("I'm in the UK"), as a locale of config/crisis_resources.yaml.

Crisis lines differ by country; a caller abroad told to dial 988 is told a number that does
not work. Only where they are counts ("I'm in", "I live in", "calling from"), not where they
are from: "I'm from Ireland" may be a story about someone who lives elsewhere.
"""

from __future__ import annotations

import re

PLACES = {
    "en-GB": r"the uk|the u\.k\.|united kingdom|britain|great britain|england|scotland|wales|northern ireland|london|"
             r"manchester|birmingham|glasgow|edinburgh|cardiff|belfast|leeds|liverpool|bristol",
    "en-IE": r"ireland|the republic of ireland|dublin|cork|galway|limerick",
    "en-AU": r"australia|sydney|melbourne|brisbane|perth|adelaide|canberra",
    "en-CA": r"canada|toronto|vancouver|montreal|calgary|ottawa|edmonton",
    "en-US": r"the us|the u\.s\.|the usa|the states|america|the united states",
    "de-DE": r"germany|berlin|munich|hamburg",
}
_WHERE = r"(?:i'?m|i am|we'?re|we are|i live|we live|i'?m living|living|i'?m based|based|i'?m staying|staying|here|over here|" \
         r"back home|i'?m calling|calling|ringing|phoning)"
_PATTERNS = [(locale, re.compile(rf"\b{_WHERE}\s+(?:(?:right )?now\s+)?(?:in|from)\s+(?:{places})\b"))
             for locale, places in PLACES.items()]
# "Northern Ireland" is in the UK: the longer name must win over "ireland".
_NORTHERN = re.compile(r"\bnorthern ireland\b")


def named_locale(text: str) -> str | None:
    """The locale of the place the person says they are in, or None."""
    lowered = text.lower().replace("’", "'")
    if _NORTHERN.search(lowered) and re.search(rf"\b{_WHERE}\s+(?:in|from)\s+northern ireland\b", lowered):
        return "en-GB"
    found = [(m.start(), locale) for locale, pattern in _PATTERNS for m in pattern.finditer(lowered)]
    if not found:
        return None
    if re.search(r"\bfrom\b", lowered):  # "calling from" counts; plain "I'm from X" does not
        found = [(at, locale) for at, locale in found
                 if not re.match(r"(?:i'?m|i am|we'?re|we are)\s+from\b", lowered[at:])]
    return max(found)[1] if found else None
