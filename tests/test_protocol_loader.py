import pytest

from voice_therapist.dialogue.engine import StepEngine
from voice_therapist.dialogue.protocol import ProtocolError, load_protocol, load_protocols


def test_shipped_protocols_load():
    protocols = load_protocols()
    assert "quick_help" in protocols


def test_a_broken_file_names_file_line_and_reason(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\ntitle: Bad\nsummary: s\nsteps:\n"
        "  - id: one\n    goal: a goal long enough\n    lines: []\n"
    )
    with pytest.raises(ProtocolError) as err:
        load_protocol(bad)
    assert str(bad) in str(err.value) and "line 7" in str(err.value) and "lines" in str(err.value)


def test_invalid_yaml_names_the_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nsteps: [\n")
    with pytest.raises(ProtocolError, match="line 3"):
        load_protocol(bad)


def test_a_dangling_next_step_is_refused(tmp_path):
    bad = tmp_path / "dangling.yaml"
    bad.write_text(
        "name: d\ntitle: D\nsummary: s\nsteps:\n"
        "  - id: one\n    goal: a goal long enough\n    lines: [hi]\n    next: nowhere\n"
    )
    with pytest.raises(ProtocolError, match="nowhere"):
        load_protocol(bad)


def test_engine_walks_the_steps_and_uses_the_users_words():
    engine = StepEngine(load_protocols()["quick_help"])
    move = engine.move("I can't sleep because my job is so stressful.")
    assert move.step == "listen"
    assert "you can't sleep because your job is so stressful" in move.scripted_line
    seen = [engine.state.step]
    for _ in range(10):
        engine.advance()
        seen.append(engine.state.step)
    assert seen[0] == "listen" and seen[-1] == "way_forward"
    assert "reflect_feeling" in seen and "ground" in seen
