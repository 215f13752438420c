import pytest

from voice_therapist.config import ConfigError, load_config


def test_defaults_load_and_validate():
    cfg = load_config(environ={})
    assert cfg.turn.endpoint_silence_ms == 500
    assert cfg.llm.backend == "llamacpp"


def test_environment_overrides_a_key_with_its_type():
    cfg = load_config(environ={"VOICE_THERAPIST__TURN__ENDPOINT_SILENCE_MS": "700",
                               "VOICE_THERAPIST__LLM__BACKEND": "openai"})
    assert cfg.turn.endpoint_silence_ms == 700 and cfg.llm.backend == "openai"


def test_a_bad_value_names_the_key():
    with pytest.raises(ConfigError, match="turn.vad_aggressiveness"):
        load_config(environ={"VOICE_THERAPIST__TURN__VAD_AGGRESSIVENESS": "9"})


def test_an_unknown_key_is_refused(tmp_path):
    extra = tmp_path / "x.yaml"
    extra.write_text("turn:\n  endpoint_silense_ms: 300\n")
    with pytest.raises(ConfigError, match="endpoint_silense_ms"):
        load_config(extra, environ={})


def test_data_dir_comes_from_the_environment(tmp_path):
    cfg = load_config(environ={})
    assert cfg.data_dir({"VOICE_THERAPIST_DATA_DIR": str(tmp_path)}) == tmp_path
    assert cfg.data_dir({"HOME": "/h"}).name == "voice-therapist"
