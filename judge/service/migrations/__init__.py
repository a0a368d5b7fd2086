"""Alembic migrations of the judge service schema."""
