"""The storage layer on SQLite and on a real PostgreSQL: kept, encrypted, exportable, forgettable."""

import base64
import itertools
import json
import os
import re
import shutil
import time

import pytest
from sqlalchemy import select, text, update

from voice_therapist.storage import consent, rights
from voice_therapist.storage.crypto import DecryptionError, MasterKeyError, load_master_key
from voice_therapist.storage.database import open_engine, sqlite_url
from voice_therapist.storage.escalation_queue import StoredEscalationQueue
from voice_therapist.storage.keyring import KeyShredded
from voice_therapist.storage.store import Storage, UnknownUser
from voice_therapist.storage.tables import sessions, turns
from voice_therapist.safety.escalation import EscalationEvent

SECRET_WORDS = "my brother hid the letter under the violet piano"
TOPIC = "the argument with Marguerite about the cottage"
CARD = {"kind": "coping_card", "situation": "Marguerite shouted", "automatic_thought": "I ruin everything",
        "distortion": "overgeneralization", "adaptive_thought": "One argument does not ruin a whole friendship",
        "action": "call Marguerite on Sunday"}
PLAN = {"kind": "safety_plan", "warning_signs": "lying awake past three", "people": "my cousin Evangeline"}
MASTER = os.urandom(32)
_names = itertools.count()


class Backend:
    """Where one storage lives, and how to read its database raw, as an attacker with a copy would."""

    def __init__(self, kind, tmp_path, postgres):
        self.kind, self.tmp_path, self.postgres = kind, tmp_path, postgres
        n = next(_names)
        if kind == "sqlite":
            self.path = tmp_path / "data.sqlite3"
            self.url, self.keys_url = sqlite_url(self.path), sqlite_url(tmp_path / "keys.sqlite3")
        else:
            self.db = f"vt_data_{n}"
            self.url, self.keys_url = postgres.create_database(self.db), postgres.create_database(f"vt_keys_{n}")

    def open(self, master=MASTER, url=None):
        return Storage(open_engine(url or self.url), open_engine(self.keys_url), master)

    def raw(self, storage) -> str:
        """Every byte the data database holds, as text."""
        if self.kind == "postgresql":
            dump = self.postgres.dump(self.db)
            # pg_dump writes bytea as hex: decode it, or plain text in a blob would go unseen.
            blobs = [bytes.fromhex(h).decode("latin-1") for h in re.findall(r"\\x([0-9a-f]+)", dump)]
            return dump + "".join(blobs)
        storage.engine.dispose()  # flush the WAL into the file, then read all of it
        return b"".join(p.read_bytes() for p in self.tmp_path.glob("data.sqlite3*")).decode("latin-1")

    def backup(self, storage):
        """A copy of the data database as a backup would take it, opened read-only later."""
        if self.kind == "sqlite":
            storage.engine.dispose()
            copy = self.tmp_path / "backup.sqlite3"
            shutil.copy(self.path, copy)
            return sqlite_url(copy)
        copy = f"{self.db}_backup"
        with storage.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            db.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": self.db})
        storage.engine.dispose()
        admin = open_engine(self.url.rsplit("/", 1)[0] + "/postgres")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            db.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{self.db}"'))
        admin.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + copy


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    postgres = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    return Backend(request.param, tmp_path, postgres)


def a_session(storage, user_id):
    session_id = storage.start_session(user_id)
    storage.update_session(session_id, {"topic": TOPIC, "mood_start": "3", "mood_end": "6"}, "cbt")
    storage.record_turn(session_id, 1, SECRET_WORDS, "That sounds hard to carry.", "automatic_thought", "none")
    storage.save_artifact(session_id, user_id, CARD)
    storage.save_artifact(session_id, user_id, PLAN)
    storage.save_state(session_id, {"history": [SECRET_WORDS]}, "watch")
    storage.save_voice_baseline(user_id, {"n": 3, "mean": [1.0]})
    return session_id


def test_what_is_kept_comes_back_for_the_next_session(backend):
    storage = backend.open()
    user, _ = storage.create_user()
    session_id = a_session(storage, user)
    [kept] = storage.sessions(user)
    assert (kept["topic"], kept["modality"], kept["mood_start"], kept["mood_end"], kept["risk_level"]) == \
        (TOPIC, "cbt", 3, 6, "watch")
    assert storage.turns(session_id)[0]["user_text"] == SECRET_WORDS
    assert storage.artifacts(user, "coping_card") == [CARD]
    assert storage.voice_baseline(user) == {"n": 3, "mean": [1.0]}
    context = storage.memory_context(user).values
    assert context["last_topic"] == TOPIC and context["last_card_thought"] == CARD["adaptive_thought"]
    storage.close()
    assert backend.open().sessions(user)[0]["topic"] == TOPIC  # after a restart too


def test_no_words_or_summaries_are_readable_in_the_database(backend):
    storage = backend.open()
    user, _ = storage.create_user()
    a_session(storage, user)
    raw = backend.raw(storage)
    assert user in raw  # the raw read is real: ids are there
    for secret in (SECRET_WORDS, "violet piano", "Marguerite", CARD["adaptive_thought"], "Evangeline", "lying awake"):
        assert secret not in raw, f"{secret!r} is stored in plain text"


def test_forget_removes_the_user_and_leaves_backups_unreadable(backend):
    storage = backend.open()
    user, token = storage.create_user()
    other, _ = storage.create_user()
    a_session(storage, user)
    a_session(storage, other)
    backup_url = backend.backup(storage)

    rights.forget_user(storage, user)

    assert storage.user_for_token(token) is None
    with pytest.raises(UnknownUser):
        rights.export_user(storage, user)
    assert user not in backend.raw(storage)
    assert storage.sessions(other)[0]["topic"] == TOPIC  # nobody else lost anything
    old_copy = backend.open(url=backup_url)  # the backup still has the rows, but not the key
    assert [row for row in old_copy.engine.connect().execute(select(sessions.c.user_id)).scalars() if row == user]
    with pytest.raises(KeyShredded):
        old_copy.sessions(user)
    old_copy.close()


def test_a_sealed_value_moved_to_another_user_does_not_open(backend):
    storage = backend.open()
    alice, _ = storage.create_user()
    bob, _ = storage.create_user()
    alice_session, bob_session = a_session(storage, alice), a_session(storage, bob)
    with storage.engine.begin() as db:
        stolen = db.execute(select(turns.c.text_enc).where(turns.c.session_id == alice_session)).scalar()
        db.execute(update(turns).where(turns.c.session_id == bob_session).values(text_enc=stolen))
    with pytest.raises(DecryptionError):
        storage.turns(bob_session)


def test_a_repeated_turn_write_is_kept_once(backend):
    storage = backend.open()
    user, _ = storage.create_user()
    session_id = storage.start_session(user)
    storage.record_turn(session_id, 1, "hello", "", "greeting", "none")
    storage.record_turn(session_id, 1, "hello", "Hi, welcome.", "greeting", "none")  # the reply was heard
    assert [(t["index"], t["assistant_text"]) for t in storage.turns(session_id)] == [(1, "Hi, welcome.")]


def test_export_holds_everything_in_readable_form(backend):
    storage = backend.open()
    user, _ = storage.create_user()
    a_session(storage, user)
    dumped = json.dumps(rights.export_user(storage, user))
    for kept in (SECRET_WORDS, TOPIC, CARD["adaptive_thought"], "Evangeline"):
        assert kept in dumped


def test_a_clinician_sees_only_what_was_consented_and_every_read_is_logged(backend):
    storage = backend.open()
    user, _ = storage.create_user()
    other, _ = storage.create_user()
    clinician, _ = storage.create_user("clinician", "Dr Okafor")
    a_session(storage, user)
    a_session(storage, other)

    with pytest.raises(consent.AccessDenied):
        consent.clinician_view(storage, clinician, user)
    consent.grant(storage, user, clinician, ("summaries", "moods"))
    assert consent.clients_of(storage, clinician) == [user]
    view = consent.clinician_view(storage, clinician, user)
    assert view["summaries"][0]["topic"] == TOPIC and view["moods"][0]["mood_end"] == 6
    assert "safety_plan" not in view and SECRET_WORDS not in json.dumps(view)  # no transcripts, ever
    with pytest.raises(consent.AccessDenied):
        consent.clinician_view(storage, clinician, other)

    consent.revoke(storage, user, clinician)
    with pytest.raises(consent.AccessDenied):
        consent.clinician_view(storage, clinician, user)
    actions = [(e["actor"], e["action"]) for e in consent.access_log(storage, user)]
    assert ("Dr Okafor", "read:moods,summaries") in actions and ("Dr Okafor", "access_denied") in actions
    assert actions[-1] == ("Dr Okafor", "access_denied")


def test_retention_purges_old_transcripts_and_keeps_summaries_and_cards(backend):
    storage = backend.open()
    user, _ = storage.create_user()
    session_id = a_session(storage, user)
    assert storage.purge_transcripts(30) == 0  # today's words stay
    assert storage.purge_transcripts(30, now=time.time() + 31 * 86400) == 1
    assert storage.turns(session_id)[0]["user_text"] is None
    assert storage.sessions(user)[0]["topic"] == TOPIC and storage.artifacts(user, "coping_card") == [CARD]


def test_escalations_queue_durably_in_the_same_database(backend):
    storage = backend.open()
    queue = StoredEscalationQueue(storage.engine)
    event = EscalationEvent(level="imminent", reasons=("lexicon:imminent",), session_id="s", user_id="u", locale="en-US")
    queue.put(event)
    queue.put(event)
    assert [p.id for p in queue.pending()] == [event.id]
    queue.mark_failed(event.id, "HTTP 503")
    queue.mark_delivered(event.id)
    assert queue.pending() == []


def test_the_wrong_master_key_is_a_clear_error(backend):
    storage = backend.open()
    user, _ = storage.create_user()
    a_session(storage, user)
    storage.close()
    with pytest.raises(MasterKeyError, match="master key"):
        backend.open(master=os.urandom(32)).sessions(user)


def test_the_master_key_comes_from_the_environment_or_a_private_file(tmp_path):
    key = os.urandom(32)
    assert load_master_key("K", tmp_path / "none", {"K": base64.b64encode(key).decode()}) == key
    with pytest.raises(MasterKeyError, match="base64"):
        load_master_key("K", tmp_path / "none", {"K": "not base64!"})
    with pytest.raises(MasterKeyError, match="32 bytes"):
        load_master_key("K", tmp_path / "none", {"K": base64.b64encode(b"short").decode()})
    created = load_master_key("K", tmp_path / "master.key", {})
    assert (tmp_path / "master.key").stat().st_mode & 0o777 == 0o600
    assert load_master_key("K", tmp_path / "master.key", {}) == created  # the same key next time
