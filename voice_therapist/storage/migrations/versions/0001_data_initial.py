"""The first schema of the main database.

Revision ID: 0001_data
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_data"
down_revision = None
branch_labels = ("data",)
depends_on = None

ID = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", ID, primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("ended_at", sa.Float),
        sa.Column("modality", sa.String(40)),
        sa.Column("risk_level", sa.String(16), nullable=False),
        sa.Column("summary_enc", sa.LargeBinary),
        sa.Column("state_enc", sa.LargeBinary),
    )
    op.create_index("sessions_by_user", "sessions", ["user_id", "started_at"])
    op.create_table(
        "turns",
        sa.Column("id", ID, primary_key=True),
        sa.Column("session_id", ID, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("step", sa.String(80), nullable=False),
        sa.Column("risk_level", sa.String(16), nullable=False),
        sa.Column("text_enc", sa.LargeBinary),
        sa.UniqueConstraint("session_id", "idx", name="turns_once_per_index"),
    )
    op.create_table(
        "artifacts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("session_id", ID, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("data_enc", sa.LargeBinary, nullable=False),
    )
    op.create_index("artifacts_by_user", "artifacts", ["user_id", "created_at"])
    op.create_table(
        "voice_baselines",
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("data_enc", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("clinician_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scopes", sa.String(200), nullable=False),
        sa.Column("granted_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("actor_id", ID, nullable=False),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("audit_by_user", "audit_log", ["user_id", "at"])
    op.create_table(
        "escalations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("payload", sa.String, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(500), nullable=False),
        sa.Column("delivered_at", sa.String(40)),
    )


def downgrade() -> None:
    for table in ("escalations", "audit_log", "consents", "voice_baselines", "artifacts", "turns", "sessions", "users"):
        op.drop_table(table)
