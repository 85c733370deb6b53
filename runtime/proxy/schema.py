"""The gateway's tables (SQLAlchemy Core) and one index for every query the routes make.

Table and column names follow LiteLLM's (``LiteLLM_VerificationToken`` → ``llmrelay_verification_token``,
``token`` is the SHA-256 of the key) so data and scripts carry over. The migrations in
``migrations/versions`` create exactly this schema; ``tests/proxy/test_storage.py`` checks they agree.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


# Columns every budgeted entity (key, team, user) shares, so limits are applied uniformly.
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


keys = sa.Table(
    "llmrelay_verification_token",
    metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("key_name", sa.String(32), nullable=True),
    sa.Column("key_alias", sa.String(255), nullable=True),
    sa.Column("user_id", sa.String(255), nullable=True),
    sa.Column("team_id", sa.String(255), nullable=True),
    sa.Column("expires", sa.DateTime, nullable=True),
    sa.Column("created_by", sa.String(255), nullable=True),
    *_budget_columns(),
    sa.Index("ix_llmrelay_key_team", "team_id"),
    sa.Index("ix_llmrelay_key_user", "user_id"),
    sa.Index("ix_llmrelay_key_alias", "key_alias"),
    sa.Index("ix_llmrelay_key_reset", "budget_reset_at"),
)

teams = sa.Table(
    "llmrelay_team_table",
    metadata,
    sa.Column("team_id", sa.String(255), primary_key=True),
    sa.Column("team_alias", sa.String(255), nullable=True),
    sa.Column("members_with_roles", sa.JSON, nullable=True),
    *_budget_columns(),
    sa.Index("ix_llmrelay_team_reset", "budget_reset_at"),
)

users = sa.Table(
    "llmrelay_user_table",
    metadata,
    sa.Column("user_id", sa.String(255), primary_key=True),
    sa.Column("user_alias", sa.String(255), nullable=True),
    sa.Column("user_email", sa.String(255), nullable=True),
    sa.Column("user_role", sa.String(64), nullable=True),
    sa.Column("teams", sa.JSON, nullable=True),
    *_budget_columns(),
    sa.Index("ix_llmrelay_user_reset", "budget_reset_at"),
)

# One row per request; request_id is the primary key, which makes writes idempotent.
spend_logs = sa.Table(
    "llmrelay_spend_logs",
    metadata,
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
    # /spend/logs filters by key, team or user within a date range, or by date range alone.
    sa.Index("ix_llmrelay_spend_key_time", "api_key", "start_time"),
    sa.Index("ix_llmrelay_spend_team_time", "team_id", "start_time"),
    sa.Index("ix_llmrelay_spend_user_time", "user_id", "start_time"),
    sa.Index("ix_llmrelay_spend_time", "start_time"),
)

# Spend per model (the deployment's provider model), kept by the spend writer with the rows.
model_spend = sa.Table(
    "llmrelay_model_spend",
    metadata,
    sa.Column("model", sa.String(255), primary_key=True),
    sa.Column("spend", sa.Float, nullable=False, server_default="0"),
    sa.Column("prompt_tokens", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("completion_tokens", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("requests", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index("ix_llmrelay_model_spend_spend", "spend"),
)

# Who may continue each Responses API response the gateway returned (``previous_response_id``):
# the SHA-256 of the response ID (IDs are long and need not be kept) and the owner, the caller's
# team ("team:<id>"), else its key ("key:<hash>"), else "master".
response_owners = sa.Table(
    "llmrelay_response_owners",
    metadata,
    sa.Column("response_hash", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(320), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_llmrelay_response_owners_created", "created_at"),  # the retention pass deletes by age
)

# The Alembic revision that creates this schema; checked at start-up without importing Alembic.
HEAD_REVISION = "0003_response_owners"
