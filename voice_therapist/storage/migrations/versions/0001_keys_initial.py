"""The key store: one wrapped data key per user.

Revision ID: 0001_keys
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_keys"
down_revision = None
branch_labels = ("keys",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_keys",
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("user_keys")
