"""Burnout and "stuck, I want things to change" talk goes to solution-focused work, with the real embedder."""

import pytest

from voice_therapist.dialogue.protocol import ProtocolError, load_protocols
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.nlp.router import ModalityRouter


@pytest.fixture(scope="module")
def router():
    return ModalityRouter(SentenceEmbedder(), load_protocols())


@pytest.mark.parametrize("text", [
    # Both went to gestalt before the routing cues (the examples alone hear "flat", "heavy", "tired").
    "I feel flat and heavy all the time, I'm burned out at work and stuck.",
    "Um, I guess I'm just tired. Like, bone tired. Work has been a lot and I'm stuck in it.",
    "I'm exhausted all the time from my job and I want to get unstuck, I just don't know where to start.",
    "I've lost all motivation with my thesis and I want to get going again.",
])
def test_burnout_and_wanting_change_go_to_solution_focused_work(router, text):
    assert router.route(text)[0] == "sfbt"


@pytest.mark.parametrize("text, modality", [
    ("My boyfriend broke up with me on Sunday and I can't stop checking his Instagram.", "efit"),
    ("I'm on the train and it's stopped and I'm starting to panic, I can't breathe properly.", "quick_help"),
    ("I keep thinking everyone at the party will think I'm boring and weird.", "cbt"),
    ("Hey. So I've been having headaches for weeks and I'm convinced it's something serious, what if they miss it.", "cbt"),
    ("I feel numb, like there's a weight on my chest and I can't feel anything.", "gestalt"),
])
def test_the_other_modalities_keep_their_talk(router, text, modality):
    assert router.route(text)[0] == modality


def test_a_cue_that_is_not_a_regular_expression_is_refused(tmp_path):
    import shutil

    from voice_therapist.dialogue.protocol import PROTOCOL_DIR

    folder = tmp_path / "protocols"
    shutil.copytree(PROTOCOL_DIR, folder)
    path = folder / "sfbt.yaml"
    path.write_text(path.read_text().replace('    - "burnout"\n', '    - "burn(out"\n'))
    with pytest.raises(ProtocolError, match="sfbt.yaml.*not a regular expression"):
        load_protocols(folder)
