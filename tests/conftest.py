import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# The scheduled PHQ-9/GAD-7 offer would add a turn to every first session; the tests of other
# features speak without it, and tests/test_spoken_measures.py turns it back on.
NO_SCHEDULED_QUESTIONNAIRES = {"VOICE_THERAPIST__MEASURES__OFFER": "false"}


def pytest_configure(config):
    # Registered here, not in pyproject.toml, whose hash keys scripts/setup.sh's venv.
    config.addinivalue_line("markers", "vllm: needs a real vLLM server; run by scripts/vllm_stage.sh")
    config.addinivalue_line("markers", "cluster: the many-worker load test behind Kamailio and nginx")


def pytest_collection_modifyitems(config, items):
    """The vLLM tests run in their own stage (scripts/vllm_stage.sh), which sets VOICE_THERAPIST_VLLM_STAGE."""
    if not config.getoption("--cluster"):
        skip = pytest.mark.skip(reason="the cluster load test runs alone: scripts/cluster_test.sh")
        for item in items:
            if "cluster" in item.keywords:
                item.add_marker(skip)
    if os.environ.get("VOICE_THERAPIST_VLLM_STAGE") == "1":
        return
    left_out = [item for item in items if item.get_closest_marker("vllm")]
    if left_out:  # counted as "deselected" in pytest's summary line
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("vllm")]


@pytest.fixture(scope="session")
def cfg():
    from voice_therapist.config import load_config

    return load_config(environ=NO_SCHEDULED_QUESTIONNAIRES)


@pytest.fixture(scope="session")
def models(cfg):
    """The real default models, loaded once for the whole run as the server does."""
    import asyncio

    from voice_therapist.dialogue.protocol import load_protocols
    from voice_therapist.pipeline.models import load_models

    models = load_models(cfg, load_protocols())
    asyncio.run(models.warm_up())
    return models


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICE_THERAPIST_DATA_DIR", str(tmp_path / "data"))
    for key, value in NO_SCHEDULED_QUESTIONNAIRES.items():
        monkeypatch.setenv(key, value)



@pytest.fixture
def webhook():
    """start(port=None, statuses=()) -> Webhook; every server started is shut down after the test."""
    from .webhook import Webhook, free_port

    started: list[Webhook] = []

    def start(port: int | None = None, statuses: tuple[int, ...] = ()) -> Webhook:
        started.append(Webhook(port or free_port(), statuses))
        return started[-1]

    yield start
    for hook in started:
        hook.close()


@pytest.fixture
async def escalations(cfg):
    """The process's escalation service, as every door starts one; nothing is configured to page."""
    from voice_therapist.safety.escalation_service import escalation_service

    async with escalation_service(cfg) as service:
        yield service


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server on loopback for the whole run; each test takes fresh databases."""
    from .postgres import PostgresServer

    server = PostgresServer()
    yield server
    server.stop()


def pytest_addoption(parser):
    parser.addoption("--cluster", action="store_true", help="run the cluster load test (scripts/cluster_test.sh)")
