"""Everything kept about users, behind one storage layer (SQLAlchemy on SQLite or PostgreSQL).

What a user said, or what was written about them, is encrypted with that user's own data
key before it reaches the database; the keys live in a separate key store, so deleting a
user's key makes every copy of their rows, backups included, unreadable.
"""

from .store import Storage, open_storage

__all__ = ["Storage", "open_storage"]
