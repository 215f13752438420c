"""Configuration: config/default.yaml, an optional override file, then the environment.

Everything is validated at start-up so a typo fails loudly before a user is on the line.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal, Mapping

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .resources import data_path
from .telephony.caller_access import plain_number
from .telephony.pin import parse_pin_hash
from .workers import check_distinct_ports, check_rtp_ranges

ENV_PREFIX = "VOICE_THERAPIST__"
DEFAULT_FILE = data_path("config", "default.yaml")


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which key and why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AudioConfig(_Section):
    sample_rate: Literal[16000] = 16000
    frame_ms: Literal[10, 20, 30] = 20


class TurnConfig(_Section):
    vad_aggressiveness: int = Field(2, ge=0, le=3)
    start_speech_ms: int = Field(100, ge=20, le=2000)
    endpoint_silence_ms: int = Field(500, ge=100, le=5000)
    speculative_silence_ms: int = Field(120, ge=20, le=5000)
    max_turn_seconds: float = Field(30, gt=1, le=300)
    barge_in_min_speech_ms: int = Field(600, ge=20, le=5000)
    echo_correlation: float = Field(0.75, gt=0, lt=1)
    # "silence": the turn ends after endpoint_silence_ms, whatever was said. "model": each pause
    # is judged on the words, the pitch and Smart Turn (turn/end_of_turn.py). A bare TurnConfig
    # (a detector on its own) keeps the silence rule; config/default.yaml turns the model on.
    end_of_turn: Literal["silence", "model"] = "silence"
    quick_silence_ms: int = Field(240, ge=20, le=5000)  # a surely finished turn ends after this
    unsure_silence_ms: int = Field(700, ge=20, le=5000)  # a probably finished one after this
    max_wait_ms: int = Field(2000, ge=100, le=10000)  # an unfinished one waits this long, then is answered
    finished_above: float = Field(0.75, ge=0, le=2)  # evidence score for "surely finished"
    probably_above: float = Field(0.4, ge=0, le=2)  # evidence score for "probably finished"
    smart_turn_weight: float = Field(1.0, ge=0, le=1)  # how much Smart Turn's probability counts
    pitch_weight: float = Field(0.15, ge=0, le=1)  # how much a falling (or rising) ending moves the score
    words_weight: float = Field(0.2, ge=0, le=1)  # how much a finished sentence in the words adds
    backchannel_silence_ms: int = Field(1200, ge=0, le=10000)  # an unfinished pause this long hears "mm"; 0: never

    @model_validator(mode="after")
    def _speculation_before_endpoint(self) -> "TurnConfig":
        if self.speculative_silence_ms > self.endpoint_silence_ms:
            raise ValueError("speculative_silence_ms must not exceed endpoint_silence_ms")
        if not self.speculative_silence_ms <= self.quick_silence_ms <= self.unsure_silence_ms <= self.max_wait_ms:
            raise ValueError("need speculative_silence_ms <= quick_silence_ms <= unsure_silence_ms <= max_wait_ms")
        if self.probably_above > self.finished_above:
            raise ValueError("probably_above must not exceed finished_above")
        return self


class AsrConfig(_Section):
    backend: Literal["whisper"] = "whisper"
    model: str = "default"
    compute_type: str = "int8"
    cpu_threads: int = Field(2, ge=1, le=64)
    beam_size: int = Field(1, ge=1, le=10)
    partial_interval_ms: int = Field(600, ge=100, le=10000)
    language: str = "en"


class LlmConfig(_Section):
    backend: Literal["llamacpp", "openai"] = "llamacpp"
    model: str = "default"
    base_url: str = "http://127.0.0.1:8000/v1"
    api_model: str = ""
    api_key: str = ""
    structured_output: Literal["json_schema", "json_object"] = "json_schema"
    timeout_s: float = Field(8.0, gt=0, le=120)
    first_sentence_budget_ms: int = Field(500, ge=50, le=120000)
    max_tokens: int = Field(60, ge=8, le=2048)
    temperature: float = Field(0.3, ge=0, le=2)
    n_threads: int = Field(2, ge=1, le=64)
    n_ctx: int = Field(2048, ge=256, le=131072)


class TtsConfig(_Section):
    backend: Literal["piper"] = "piper"
    voice: str = "default"
    length_scale: float = Field(1.0, gt=0.3, lt=3)
    phrase_cache: bool = True


class ChunkerConfig(_Section):
    first_clause_min_words: int = Field(3, ge=1, le=20)
    max_words: int = Field(25, ge=5, le=200)


class SessionConfig(_Section):
    budget_minutes: float = Field(20, gt=0, le=180)
    modality: str = ""
    history_turns: int = Field(1, ge=0, le=100)


class MeasuresConfig(_Section):
    offer: bool = True  # offer the questionnaires by schedule (protocols/measures/conversation.yaml); asking always works


class SafetyConfig(_Section):
    locale: str = ""  # crisis resources (config/crisis_resources.yaml); empty: that file's default
    escalation_url: str = ""  # the human on-call webhook; events queue on disk until it answers
    escalation_token_env: str = "VOICE_THERAPIST_ESCALATION_TOKEN"  # secrets stay out of YAML
    escalation_timeout_s: float = Field(3.0, gt=0, le=60)
    escalation_attempts: int = Field(3, ge=1, le=10)
    escalation_first_retry_s: float = Field(2.0, gt=0)  # the first retry of an undelivered event; doubles each time
    escalation_retry_s: float = Field(30.0, gt=0)  # ... up to this wait between retries

    @field_validator("escalation_url")
    @classmethod
    def _http(cls, url: str) -> str:
        if url and not url.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return url


class StorageConfig(_Section):
    data_dir: str = ""
    url: str = ""  # SQLAlchemy URL (postgresql+psycopg://...); empty: SQLite in data_dir
    keystore_url: str = ""  # the user data keys, kept apart from the data; empty: SQLite in data_dir
    resume_within_minutes: float = Field(120, ge=0)  # a session cut off by a crash this recently is resumed
    master_key_env: str = "VOICE_THERAPIST_MASTER_KEY"  # base64 32 bytes; else master_key_file
    master_key_file: str = ""  # empty: <data_dir>/master.key, created 0600 on first use
    retention_days: float = Field(0, ge=0)  # transcripts older than this are purged; 0 keeps them


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    allowed_origins: list[str] = ["http://127.0.0.1:8000", "http://localhost:8000"]
    max_session_minutes: float = Field(40, gt=0, le=240)  # a connection is closed after this
    max_message_bytes: int = Field(65536, ge=1024, le=4 * 1024 * 1024)  # larger frames are refused
    max_sessions: int = Field(16, ge=1, le=1000)  # more at once are refused with a clear error


class KnownCaller(_Section):
    user: str = Field(min_length=1)
    pin_hash: str = ""  # `voice-therapist pin-hash` makes it; empty: memory only from a trusted trunk

    @field_validator("pin_hash")
    @classmethod
    def _readable(cls, pin_hash: str) -> str:
        if pin_hash:
            parse_pin_hash(pin_hash)  # a PinHashError (a ValueError) says what is wrong
        return pin_hash


class SipConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(5060, ge=0, le=65535)
    rtp_port_min: int = Field(20000, ge=1024, le=65534)
    rtp_port_max: int = Field(20100, ge=1025, le=65535)
    registrar: str = ""  # sip:user@host to REGISTER with; empty: listen only
    username: str = ""
    password_env: str = "VOICE_THERAPIST_SIP_PASSWORD"
    jitter_ms: int = Field(60, ge=0, le=1000)
    max_calls: int = Field(4, ge=1, le=100)  # each call runs the whole pipeline; more starve the others
    # caller ID (e.g. +15551234567) -> {user, pin_hash}; a caller ID alone never opens memory
    callers: dict[str, KnownCaller] = {}
    trusted_trunks: list[str] = []  # CIDR blocks whose INVITEs carry a caller ID we believe: memory without a PIN
    pin_window_s: float = Field(120, gt=0, le=3600)  # a PIN is accepted this long after the call is answered

    @field_validator("callers", mode="before")
    @classmethod
    def _plain_entries(cls, callers: Any) -> Any:
        # The old form, number: user, is still read: such an entry opens memory only from a trusted trunk.
        if isinstance(callers, Mapping):
            return {number: {"user": entry} if isinstance(entry, str) else entry for number, entry in callers.items()}
        return callers

    @field_validator("callers")
    @classmethod
    def _distinct_numbers(cls, callers: dict[str, KnownCaller]) -> dict[str, KnownCaller]:
        seen: dict[str, str] = {}
        for number in callers:
            plain = plain_number(number)
            if not plain:
                raise ValueError(f"{number!r}: a caller ID needs digits or letters")
            if plain in seen:
                raise ValueError(f"{seen[plain]!r} and {number!r} are the same caller ID")
            seen[plain] = number
        return callers

    @field_validator("trusted_trunks")
    @classmethod
    def _networks(cls, trunks: list[str]) -> list[str]:
        networks = []
        for index, trunk in enumerate(trunks):
            try:
                networks.append(str(ipaddress.ip_network(trunk)))
            except ValueError as exc:
                raise ValueError(f"entry {index} ({trunk!r}): not an address block such as 10.0.0.0/8 ({exc})") \
                    from None
        return networks

    @model_validator(mode="after")
    def _port_range(self) -> "SipConfig":
        if self.rtp_port_min >= self.rtp_port_max:
            raise ValueError("rtp_port_min must be below rtp_port_max")
        return self


class ServeWorker(_Section):
    host: str = "127.0.0.1"
    port: int = Field(ge=1, le=65535)


class SipWorker(_Section):
    host: str = "127.0.0.1"
    port: int = Field(ge=1, le=65535)
    rtp_port_min: int = Field(ge=1024, le=65534)
    rtp_port_max: int = Field(ge=1025, le=65535)

    @model_validator(mode="after")
    def _port_range(self) -> "SipWorker":
        if self.rtp_port_min >= self.rtp_port_max:
            raise ValueError("rtp_port_min must be below rtp_port_max")
        return self


class ClusterConfig(_Section):
    """N `serve` and N `sip` processes behind nginx and Kamailio (docs/deploy.md); `--worker N` picks one."""
    serve_workers: list[ServeWorker] = []
    sip_workers: list[SipWorker] = []

    @model_validator(mode="after")
    def _apart(self) -> "ClusterConfig":
        check_distinct_ports(self.serve_workers, "serve")
        check_distinct_ports(self.sip_workers, "sip")
        check_rtp_ranges(self.sip_workers)
        return self


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Config(_Section):
    audio: AudioConfig = AudioConfig()
    turn: TurnConfig = TurnConfig()
    asr: AsrConfig = AsrConfig()
    llm: LlmConfig = LlmConfig()
    tts: TtsConfig = TtsConfig()
    chunker: ChunkerConfig = ChunkerConfig()
    session: SessionConfig = SessionConfig()
    measures: MeasuresConfig = MeasuresConfig()
    safety: SafetyConfig = SafetyConfig()
    storage: StorageConfig = StorageConfig()
    server: ServerConfig = ServerConfig()
    sip: SipConfig = SipConfig()
    cluster: ClusterConfig = ClusterConfig()
    logging: LoggingConfig = LoggingConfig()

    def data_dir(self, environ: Mapping[str, str] | None = None) -> Path:
        env = os.environ if environ is None else environ
        chosen = self.storage.data_dir or env.get("VOICE_THERAPIST_DATA_DIR", "")
        if chosen:
            return Path(chosen).expanduser()
        base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "voice-therapist"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    return data


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = name[len(ENV_PREFIX):].lower().split("__")
        if len(parts) != 2 or not all(parts):
            raise ConfigError(f"{name}: expected {ENV_PREFIX}SECTION__KEY")
        # YAML parsing turns "2" into 2 and "true" into True, as in the file.
        overrides.setdefault(parts[0], {})[parts[1]] = yaml.safe_load(raw) if raw else ""
    return overrides


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    data = _read_yaml(DEFAULT_FILE)
    extra = path or env.get("VOICE_THERAPIST_CONFIG")
    if extra:
        data = _merge(data, _read_yaml(Path(extra)))
    data = _merge(data, _env_overrides(env))
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc
