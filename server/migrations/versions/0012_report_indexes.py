"""covering indexes for the dashboards

Each funnel and the retention curve read an index, not the workers' wide rows (a million
workers: scripts/bench_reports.py).

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

STAGES = ['registered_on', 'fair_on', 'intent_on', 'assigned_on', 'departed_on', 'arrived_on', 'onboarded_on',
          'month1_on', 'month3_on', 'month6_on']
# Each grouping's column first; the county and the poor-household flag for the filters; the stages counted.
INDEXES = {
    'ix_workers_funnel_place': ['home_county_code', 'home_township', 'poor_household', *STAGES],
    'ix_workers_funnel_fair': ['first_fair_id', 'home_county_code', 'poor_household', *STAGES],
    'ix_workers_funnel_employer': ['counted_employer_id', 'home_county_code', 'poor_household', *STAGES],
    'ix_workers_funnel_poor': ['poor_household', 'home_county_code', *STAGES],
    'ix_workers_retention': ['onboarded_on', 'arrived_on', 'spell_ended_on', 'spell_silent_on', 'home_county_code',
                             'poor_household', 'registered_on'],
}
REPLACED = {'ix_workers_first_fair_id': ['first_fair_id'], 'ix_workers_onboarded_on': ['onboarded_on'],
            'ix_workers_counted_employer_id': ['counted_employer_id']}


def upgrade():
    for name in REPLACED:
        op.drop_index(name, table_name='workers')
    for name, columns in INDEXES.items():
        op.create_index(name, 'workers', columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='workers')
    for name, columns in REPLACED.items():
        op.create_index(name, 'workers', columns)
