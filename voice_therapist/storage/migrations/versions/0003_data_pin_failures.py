"""Wrong PINs are counted in the shared database, so N workers give a stranger no more tries than one.

Revision ID: 0003_data
Revises: 0002_data
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_data"
down_revision = "0002_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pin_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("pin_failures_by_user", "pin_failures", ["user_id", "at"])


def downgrade() -> None:
    op.drop_index("pin_failures_by_user", "pin_failures")
    op.drop_table("pin_failures")
