"""A country the person says they are in picks its crisis lines."""

import pytest

from voice_therapist.safety.country import named_locale
from voice_therapist.safety.responses import SafetyScripts


@pytest.mark.parametrize("text,locale", [
    ("I'm in the UK, by the way", "en-GB"),
    ("I live in Dublin with my flatmates", "en-IE"),
    ("Oh I'm calling from Australia", "en-AU"),
    ("we're based in Toronto now", "en-CA"),
    ("I grew up in Belfast but I'm living in Northern Ireland again", "en-GB"),
    ("I'm from Ireland but I live in London", "en-GB"),
])
def test_where_they_are_names_a_locale(text, locale):
    assert named_locale(text) == locale


@pytest.mark.parametrize("text", ["I'm from Ireland originally", "My sister is in Australia", "I love England's coast",
                                  "I'm in a bad place", "I watched a film about America"])
def test_where_someone_else_is_or_was_does_not(text):
    assert named_locale(text) is None


def test_every_named_locale_has_reviewed_lines():
    from voice_therapist.safety.country import PLACES
    for locale in PLACES:
        assert "{" not in SafetyScripts(locale).reply("passive")
