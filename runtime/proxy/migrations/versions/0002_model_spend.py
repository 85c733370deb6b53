"""Spend per model.

Revision ID: 0002_model_spend
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_model_spend"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "llmrelay_model_spend",
        sa.Column("model", sa.String(255), primary_key=True),
        sa.Column("spend", sa.Float, nullable=False, server_default="0"),
        sa.Column("prompt_tokens", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("completion_tokens", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("requests", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_llmrelay_model_spend_spend", "llmrelay_model_spend", ["spend"])
    # Existing spend rows count too.
    op.execute(
        "INSERT INTO llmrelay_model_spend (model, spend, prompt_tokens, completion_tokens, requests) "
        "SELECT model, SUM(spend), SUM(prompt_tokens), SUM(completion_tokens), COUNT(*) "
        "FROM llmrelay_spend_logs GROUP BY model"
    )


def downgrade() -> None:
    op.drop_table("llmrelay_model_spend")
