"""The escalation outbox is shared by many workers: a worker claims an event before it pages.

Revision ID: 0002_data
Revises: 0001_data
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_data"
down_revision = "0001_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalations") as table:
        table.add_column(sa.Column("claimed_by", sa.String(80)))
        table.add_column(sa.Column("claimed_until", sa.Float))


def downgrade() -> None:
    with op.batch_alter_table("escalations") as table:
        table.drop_column("claimed_until")
        table.drop_column("claimed_by")
