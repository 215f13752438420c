"""Opening a database: SQLite (the embedded default) or PostgreSQL, migrated to the newest schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 0x766F6963  # any fixed number: the one advisory lock all workers take to migrate


class StorageError(RuntimeError):
    """The database cannot be opened or migrated; the message says which and why."""


def open_engine(url: str) -> Engine:
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StorageError(f"cannot use database URL {_redacted(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # deleting a user cascades to every row of theirs
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # a committed turn survives a power cut, not only a crash
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def migrate(engine: Engine, branch: str) -> None:
    """Brings one database (branch "data" or "keys") to the newest schema; safe to repeat."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["branch"] = branch
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # workers starting together migrate one at a time
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, f"{branch}@head")
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot migrate the {branch} database at {_redacted(str(engine.url))}: "
                           f"{type(exc).__name__}: {exc.orig if hasattr(exc, 'orig') else exc}") from exc


def sqlite_url(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _redacted(url: str) -> str:
    """The URL without its password, for error messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"
