"""Owners of the Responses API response IDs the gateway returned.

Revision ID: 0003_response_owners
Revises: 0002_model_spend
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_response_owners"
down_revision = "0002_model_spend"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "llmrelay_response_owners",
        sa.Column("response_hash", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_llmrelay_response_owners_created", "llmrelay_response_owners", ["created_at"])


def downgrade() -> None:
    op.drop_table("llmrelay_response_owners")
