"""Alembic migrations for the gateway's schema (run by :mod:`llmrelay.proxy.migrate`)."""
