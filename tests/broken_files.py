"""Breaking a shipped YAML file on purpose, and checking that loading it names the line."""

from pathlib import Path

import pytest

from voice_therapist.dialogue.protocol import ProtocolError


def assert_load_names_the_line(tmp_path: Path, source: Path, breakage, marker: str, reason: str, load) -> None:
    """`breakage` turns the file's text into a broken one; the error must name the first line
    holding `marker`, and give `reason`."""
    broken = breakage(source.read_text(encoding="utf-8"))
    path = tmp_path / source.name
    path.write_text(broken, encoding="utf-8")
    line = next(i + 1 for i, row in enumerate(broken.splitlines()) if marker in row)
    with pytest.raises(ProtocolError) as caught:
        load(path)
    assert f"{path}, line {line}:" in str(caught.value) and reason in str(caught.value)
