"""The user data keys: created on first use, unwrapped on demand, destroyed on `forget`."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from .crypto import new_data_key, unwrap_key, wrap_key
from .tables import user_keys


class KeyShredded(LookupError):
    """This user's key is gone: their data was deleted and can never be read again."""


class Keyring:
    def __init__(self, engine: Engine, master_key: bytes):
        self._engine = engine
        self._master = master_key
        self._cache: dict[str, bytes] = {}  # unwrapped keys, this process only; dropped on destroy
        self._lock = threading.Lock()

    def create(self, user_id: str) -> bytes:
        key = new_data_key()
        try:
            with self._engine.begin() as db:
                db.execute(insert(user_keys).values(user_id=user_id, wrapped_key=wrap_key(self._master, key, user_id),
                                                    created_at=time.time()))
        except IntegrityError:  # created by another process first: use theirs
            return self.key(user_id)
        with self._lock:
            self._cache[user_id] = key
        return key

    def key(self, user_id: str) -> bytes:
        with self._lock:
            if user_id in self._cache:
                return self._cache[user_id]
        with self._engine.connect() as db:
            wrapped = db.execute(select(user_keys.c.wrapped_key).where(user_keys.c.user_id == user_id)).scalar()
        if wrapped is None:
            raise KeyShredded("no data key for this user: never created, or deleted")
        key = unwrap_key(self._master, wrapped, user_id)
        with self._lock:
            self._cache[user_id] = key
        return key

    def destroy(self, user_id: str) -> None:
        with self._lock:
            self._cache.pop(user_id, None)
        with self._engine.begin() as db:
            db.execute(delete(user_keys).where(user_keys.c.user_id == user_id))
