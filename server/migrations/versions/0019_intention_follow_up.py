"""the intention follow-up on the worker's record

The county calls each person who signed an intention at a fair (domain.follow_up): the record
keeps the first day someone was reached (the funnel's "followed up"), the latest answer and the
calls since the latest intention (the worklist). Every worker who signed an intention is folded
again, so the season's intentions are on the worklist at once.

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workers') as batch:
        batch.add_column(sa.Column('followed_up_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('follow_up_intent_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('follow_up_coming', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('follow_up_reason', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('follow_up', sa.JSON(), nullable=True))
    # the worklist: a county's intentions of the season
    op.create_index('ix_workers_follow_up', 'workers', ['home_county_code', 'follow_up_intent_on'])


    _refold()


def _refold():
    from server.models import Event
    from server.services.events import fact_rows, folded_columns, to_fact

    connection = op.get_bind()
    signed = sa.select(Event.worker_id).where(Event.type == 'fair.intent_signed')
    facts = {}
    for row in connection.execute(fact_rows(Event.worker_id.in_(signed))):
        facts.setdefault(row.worker_id, []).append(to_fact(row))
    workers = sa.Table('workers', sa.MetaData(), autoload_with=connection)
    for worker_id, worker_facts in facts.items():
        columns = folded_columns(worker_facts)
        connection.execute(workers.update().where(workers.c.id == worker_id).values(
            {key: value for key, value in columns.items() if key in workers.c}))


def downgrade():
    op.drop_index('ix_workers_follow_up', table_name='workers')
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('follow_up')
        batch.drop_column('follow_up_reason')
        batch.drop_column('follow_up_coming')
        batch.drop_column('follow_up_intent_on')
        batch.drop_column('followed_up_on')
