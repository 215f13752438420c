"""Alembic's entry point: migrations run on the connection the storage layer hands over."""

from alembic import context

from voice_therapist.storage.tables import key_metadata, metadata

config = context.config
connection = config.attributes["connection"]
# Two branches in one history: "data" (the main database) and "keys" (the key store).
target = key_metadata if config.attributes.get("branch") == "keys" else metadata
context.configure(connection=connection, target_metadata=target, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
