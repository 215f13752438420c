"""The protocol files as a clinician edits them: a mistake fails at start-up, named precisely."""

import shutil

import pytest

from voice_therapist.dialogue.protocol import PROTOCOL_DIR, ProtocolError, load_protocol, load_protocols

STEP = "steps:\n  - id: one\n    goal: a goal long enough\n"
HEAD = ("name: bad\ntitle: Bad\nsummary: s\nkind: modality\nrouting:\n  names: [bad]\n"
        "  examples: [a, b, c, d, e]\noutcome: done\n")


def test_the_shipped_protocols_load():
    protocols = load_protocols()
    assert set(protocols.modalities) == {"cbt", "gestalt", "efit", "sfbt", "quick_help"}
    assert [s.id for s in protocols.modalities["cbt"].steps] == [
        "automatic_thought", "name_distortion", "evidence_for", "evidence_against", "friend_view", "adaptive_thought",
        "coping_card"]


def test_a_broken_file_names_file_line_and_reason(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + STEP + "    lines: []\n")
    with pytest.raises(ProtocolError) as err:
        load_protocol(bad)
    assert str(bad) in str(err.value) and "line 12" in str(err.value) and "lines" in str(err.value)


def test_invalid_yaml_names_the_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nsteps: [\n")
    with pytest.raises(ProtocolError, match="line 3"):
        load_protocol(bad)


def test_a_dangling_next_step_is_refused(tmp_path):
    bad = tmp_path / "dangling.yaml"
    bad.write_text(HEAD + STEP + "    lines: [hi]\n    next: nowhere\n")
    with pytest.raises(ProtocolError, match="nowhere"):
        load_protocol(bad)


def test_an_unknown_slot_extractor_is_refused(tmp_path):
    bad = tmp_path / "extractor.yaml"
    bad.write_text(HEAD + STEP + "    lines: [hi]\n    slots: {mood: telepathy}\n")
    with pytest.raises(ProtocolError, match="line 13"):
        load_protocol(bad)


def test_a_line_with_a_placeholder_nobody_fills_is_refused(tmp_path):
    folder = tmp_path / "protocols"
    shutil.copytree(PROTOCOL_DIR, folder)
    path = folder / "sfbt.yaml"
    path.write_text(path.read_text().replace("where are you today?", "where is {nonexistent} today?"))
    with pytest.raises(ProtocolError, match=r"sfbt.yaml, line \d+: placeholder \{nonexistent\}"):
        load_protocols(folder)


def test_a_new_modality_is_just_a_new_file(tmp_path):
    folder = tmp_path / "protocols"
    shutil.copytree(PROTOCOL_DIR, folder)
    (folder / "act.yaml").write_text(
        HEAD.replace("name: bad", "name: act").replace("names: [bad]", "names: [acceptance]")
        + STEP + "    lines: [\"What matters to you here?\"]\n")
    assert "act" in load_protocols(folder).modalities


def test_the_protocols_do_not_load_without_the_safety_plan(tmp_path):
    folder = tmp_path / "protocols"
    shutil.copytree(PROTOCOL_DIR, folder)
    (folder / "safety" / "safety_plan.yaml").unlink()
    with pytest.raises(ProtocolError, match="safety_plan.yaml: missing"):
        load_protocols(folder)


def test_a_safety_plan_step_the_llm_would_phrase_is_refused(tmp_path):
    folder = tmp_path / "protocols"
    shutil.copytree(PROTOCOL_DIR, folder)
    path = folder / "safety" / "safety_plan.yaml"
    path.write_text(path.read_text().replace("    say: scripted\n    goal: Ask whether the person has thought",
                                             "    say: llm\n    goal: Ask whether the person has thought", 1))
    with pytest.raises(ProtocolError, match="must be say: scripted"):
        load_protocols(folder)
