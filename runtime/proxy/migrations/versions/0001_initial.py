"""Initial schema: keys, teams, users, spend logs, with their indexes.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _budget_columns() -> list[sa.Column]:
    return [
        sa.Column("models", sa.JSON, nullable=True),
        sa.Column("spend", sa.Float, nullable=False, server_default="0"),
        sa.Column("max_budget", sa.Float, nullable=True),
        sa.Column("budget_duration", sa.String(32), nullable=True),
        sa.Column("budget_reset_at", sa.DateTime, nullable=True),
        sa.Column("rpm_limit", sa.BigInteger, nullable=True),
        sa.Column("tpm_limit", sa.BigInteger, nullable=True),
        sa.Column("max_parallel_requests", sa.Integer, nullable=True),
        sa.Column("metadata", sa.JSON, nullable=True),
        sa.Column("blocked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "llmrelay_verification_token",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("key_name", sa.String(32), nullable=True),
        sa.Column("key_alias", sa.String(255), nullable=True),
        sa.Column("user_id", sa.String(255), nullable=True),
        sa.Column("team_id", sa.String(255), nullable=True),
        sa.Column("expires", sa.DateTime, nullable=True),
        sa.Column("created_by", sa.String(255), nullable=True),
        *_budget_columns(),
    )
    op.create_index("ix_llmrelay_key_team", "llmrelay_verification_token", ["team_id"])
    op.create_index("ix_llmrelay_key_user", "llmrelay_verification_token", ["user_id"])
    op.create_index("ix_llmrelay_key_alias", "llmrelay_verification_token", ["key_alias"])
    op.create_index("ix_llmrelay_key_reset", "llmrelay_verification_token", ["budget_reset_at"])
    op.create_table(
        "llmrelay_team_table",
        sa.Column("team_id", sa.String(255), primary_key=True),
        sa.Column("team_alias", sa.String(255), nullable=True),
        sa.Column("members_with_roles", sa.JSON, nullable=True),
        *_budget_columns(),
    )
    op.create_index("ix_llmrelay_team_reset", "llmrelay_team_table", ["budget_reset_at"])
    op.create_table(
        "llmrelay_user_table",
        sa.Column("user_id", sa.String(255), primary_key=True),
        sa.Column("user_alias", sa.String(255), nullable=True),
        sa.Column("user_email", sa.String(255), nullable=True),
        sa.Column("user_role", sa.String(64), nullable=True),
        sa.Column("teams", sa.JSON, nullable=True),
        *_budget_columns(),
    )
    op.create_index("ix_llmrelay_user_reset", "llmrelay_user_table", ["budget_reset_at"])
    op.create_table(
        "llmrelay_spend_logs",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("call_type", sa.String(32), nullable=False),
        sa.Column("api_key", sa.String(64), nullable=False),
        sa.Column("spend", sa.Float, nullable=False),
        sa.Column("total_tokens", sa.Integer, nullable=False),
        sa.Column("prompt_tokens", sa.Integer, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False),
        sa.Column("start_time", sa.DateTime, nullable=False),
        sa.Column("end_time", sa.DateTime, nullable=False),
        sa.Column("model", sa.String(255), nullable=False),
        sa.Column("model_group", sa.String(255), nullable=True),
        sa.Column("model_id", sa.String(255), nullable=True),
        sa.Column("custom_llm_provider", sa.String(64), nullable=True),
        sa.Column("api_base", sa.String(512), nullable=True),
        sa.Column("user_id", sa.String(255), nullable=True),
        sa.Column("team_id", sa.String(255), nullable=True),
        sa.Column("end_user", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("metadata", sa.JSON, nullable=True),
        sa.Column("messages", sa.JSON, nullable=True),
        sa.Column("response", sa.JSON, nullable=True),
    )
    op.create_index("ix_llmrelay_spend_key_time", "llmrelay_spend_logs", ["api_key", "start_time"])
    op.create_index("ix_llmrelay_spend_team_time", "llmrelay_spend_logs", ["team_id", "start_time"])
    op.create_index("ix_llmrelay_spend_user_time", "llmrelay_spend_logs", ["user_id", "start_time"])
    op.create_index("ix_llmrelay_spend_time", "llmrelay_spend_logs", ["start_time"])


def downgrade() -> None:
    op.drop_table("llmrelay_spend_logs")
    op.drop_table("llmrelay_user_table")
    op.drop_table("llmrelay_team_table")
    op.drop_table("llmrelay_verification_token")
