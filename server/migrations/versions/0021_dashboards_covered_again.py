"""the dashboards read indexes again

0019 added the funnel's "followed up" stage, which the covering indexes of 0012 did not hold: every
funnel read the workers' wide rows (0.85 s on 200,000 workers on SQLite, where an index read took
a fraction). The funnel indexes now hold it, and the follow-up and pay reports have one covering
index each; what the follow-up report counted out of JSON is in two plain columns (the calls, and
whether anyone was reached), filled from that JSON.

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

STAGES = ['registered_on', 'fair_on', 'intent_on', 'assigned_on', 'departed_on', 'arrived_on',
          'onboarded_on', 'month1_on', 'month3_on', 'month6_on']
FUNNEL = {
    'ix_workers_funnel_place': ['home_county_code', 'home_township', 'poor_household'],
    'ix_workers_funnel_fair': ['first_fair_id', 'home_county_code', 'poor_household'],
    'ix_workers_funnel_employer': ['counted_employer_id', 'home_county_code', 'poor_household'],
    'ix_workers_funnel_poor': ['poor_household', 'home_county_code'],
}
# the reports' filters and groupings, then what they count
REPORTS = {
    'ix_workers_follow_up_report': ['follow_up_intent_on', 'home_county_code', 'home_township',
                                    'poor_household', 'first_fair_id', 'counted_employer_id',
                                    'follow_up_reason', 'follow_up_coming', 'follow_up_calls',
                                    'follow_up_reached'],
    'ix_workers_pay_report': ['pay_month', 'home_county_code', 'counted_employer_id',
                              'pay_posting_id', 'pay', 'pay_claimed', 'expected_pay',
                              'pay_disputed'],
}


def upgrade():
    with op.batch_alter_table('workers') as batch:
        batch.add_column(sa.Column('follow_up_calls', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('follow_up_reached', sa.Boolean(), nullable=True))
    for name, columns in FUNNEL.items():
        op.drop_index(name, table_name='workers')
        op.create_index(name, 'workers', [*columns, *STAGES, 'followed_up_on'])
    _fill()
    for name, columns in REPORTS.items():
        op.create_index(name, 'workers', columns)


def _fill():
    """From the JSON 0019 folded: one UPDATE, on either database."""
    workers = sa.table('workers', sa.column('follow_up', sa.JSON),
                       sa.column('follow_up_calls', sa.Integer),
                       sa.column('follow_up_reached', sa.Boolean))
    calls = workers.c.follow_up['calls'].as_integer()  # none where the JSON is null
    op.execute(workers.update().where(calls.is_not(None)).values(
        follow_up_calls=calls, follow_up_reached=workers.c.follow_up['answered'].as_integer() > 0))


def downgrade():
    for name in REPORTS:
        op.drop_index(name, table_name='workers')
    for name, columns in FUNNEL.items():
        op.drop_index(name, table_name='workers')
        op.create_index(name, 'workers', [*columns, *STAGES])
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('follow_up_reached')
        batch.drop_column('follow_up_calls')
