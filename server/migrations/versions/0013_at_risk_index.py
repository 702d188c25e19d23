"""an index for the at-risk list

The morning list filters the still-employed by their last confirmation and pages them: read from
this index, not the workers' wide rows (a million workers: scripts/bench_reports.py).

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_workers_at_risk', 'workers', ['status', 'home_county_code', 'erased_at', 'last_confirmed_on',
                                                      'employed_since', 'employment_ended_on', 'id'])


def downgrade():
    op.drop_index('ix_workers_at_risk', table_name='workers')
