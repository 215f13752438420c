"""The cluster section: each worker's ports are its own, checked before any worker starts."""

import pytest

from voice_therapist.config import ConfigError, load_config
from voice_therapist.workers import as_worker

SIP = "VOICE_THERAPIST__CLUSTER__SIP_WORKERS"
SERVE = "VOICE_THERAPIST__CLUSTER__SERVE_WORKERS"


def sip_workers(*ranges) -> str:
    return "[" + ", ".join(f"{{port: {port}, rtp_port_min: {lo}, rtp_port_max: {hi}}}" for port, lo, hi in ranges) + "]"


def test_three_sip_workers_apart_are_accepted_and_each_gets_its_own_ports():
    cfg = load_config(environ={SIP: sip_workers((5071, 20000, 20099), (5072, 20100, 20199), (5073, 20200, 20299))})
    third = as_worker(cfg, "sip", 3)
    assert (third.sip.port, third.sip.rtp_port_min, third.sip.rtp_port_max) == (5073, 20200, 20299)


def test_overlapping_rtp_ranges_on_one_host_fail_at_start_up():
    with pytest.raises(ConfigError, match=r"sip workers 1 and 2: RTP port ranges 20000-20099 and 20050-20149 overlap"):
        load_config(environ={SIP: sip_workers((5071, 20000, 20099), (5072, 20050, 20149))})


def test_the_same_ranges_on_two_hosts_are_fine():
    load_config(environ={SIP: "[{host: 10.0.0.1, port: 5060, rtp_port_min: 20000, rtp_port_max: 20099}, "
                              "{host: 10.0.0.2, port: 5060, rtp_port_min: 20000, rtp_port_max: 20099}]"})


def test_a_sip_port_inside_a_workers_rtp_range_fails():
    with pytest.raises(ConfigError, match=r"SIP port 20010 lies in worker 1's RTP range"):
        load_config(environ={SIP: sip_workers((5071, 20000, 20099), (20010, 20100, 20199))})


def test_two_serve_workers_on_one_port_fail():
    with pytest.raises(ConfigError, match=r"serve workers 1 and 2 both bind 127.0.0.1:8001"):
        load_config(environ={SERVE: "[{port: 8001}, {port: 8001}]"})


def test_a_worker_number_beyond_the_list_says_how_many_there_are():
    cfg = load_config(environ={SERVE: "[{port: 8001}, {port: 8002}]"})
    assert as_worker(cfg, "serve", 2).server.port == 8002
    with pytest.raises(ValueError, match=r"--worker 3: cluster.serve_workers lists workers 1 to 2"):
        as_worker(cfg, "serve", 3)


def test_workers_sharing_a_database_must_share_the_key_store_too():
    cfg = load_config(environ={SERVE: "[{port: 8001}]",
                               "VOICE_THERAPIST__STORAGE__URL": "postgresql+psycopg://vt@db/vt"})
    with pytest.raises(ValueError, match=r"storage.keystore_url"):
        as_worker(cfg, "serve", 1)
