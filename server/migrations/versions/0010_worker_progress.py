"""the report columns of the worker's record (domain.progress), filled from the events

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

from server.domain.progress import progress
from server.services.events import to_fact

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

DATES = ('registered_on', 'fair_on', 'intent_on', 'assigned_on', 'departed_on', 'arrived_on', 'onboarded_on',
         'month1_on', 'month3_on', 'month6_on', 'spell_ended_on')


def upgrade():
    with op.batch_alter_table('workers') as batch:
        for name in DATES:
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))
        batch.add_column(sa.Column('first_fair_id', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('counted_employer_id', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('stability_facts', sa.JSON(), nullable=True))
        batch.create_index('ix_workers_first_fair_id', ['first_fair_id'])
        batch.create_index('ix_workers_onboarded_on', ['onboarded_on'])
        batch.create_index('ix_workers_counted_employer_id', ['counted_employer_id'])
    _fill()


def _fill():
    """Each existing worker's columns from its events, by the same pure function the projection uses."""
    from server.models import Event  # the current model reads the events table as it is at this revision

    connection = op.get_bind()
    workers = sa.table('workers', sa.column('id'), *(sa.column(c, sa.Date()) for c in DATES),
                       sa.column('first_fair_id'), sa.column('counted_employer_id'),
                       sa.column('stability_facts', sa.JSON()))
    events = Event.__table__
    facts = {}
    for row in connection.execute(sa.select(events)):
        facts.setdefault(row.worker_id, []).append(to_fact(row))
    for worker_id, worker_facts in facts.items():
        found = progress(worker_facts)  # what later revisions added to it is theirs to fill
        connection.execute(workers.update().where(workers.c.id == worker_id)
                           .values({c.name: found[c.name] for c in workers.columns if c.name != 'id'}))


def downgrade():
    with op.batch_alter_table('workers') as batch:
        batch.drop_index('ix_workers_counted_employer_id')
        batch.drop_index('ix_workers_onboarded_on')
        batch.drop_index('ix_workers_first_fair_id')
        for name in (*DATES, 'first_fair_id', 'counted_employer_id', 'stability_facts'):
            batch.drop_column(name)
