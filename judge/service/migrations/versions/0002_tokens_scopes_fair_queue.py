"""Token scopes and expiry; each job's worst-case CPU seconds (quotas); indexes for the fair claim and
retention; running totals for /metrics (so a scrape reads a few rows, not the jobs table).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("scopes", sa.String(100), nullable=False, server_default="submit,upload"))
        batch.add_column(sa.Column("expires_at", sa.Float, nullable=True))
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("cpu_s", sa.Float, nullable=False, server_default="0"))
    op.create_index("ix_jobs_token_claim", "jobs", ["status", "token_id", "seq"])
    op.create_index("ix_jobs_retention", "jobs", ["status", "finished_at"])
    op.create_table(
        "totals",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("totals")
    op.drop_index("ix_jobs_retention", table_name="jobs")
    op.drop_index("ix_jobs_token_claim", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("cpu_s")
    with op.batch_alter_table("tokens") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("scopes")
