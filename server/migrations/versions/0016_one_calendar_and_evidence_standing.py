"""one calendar, and the standing of the evidence that pays

Every date on a worker's record is now the day in the programme's time zone (LABORPASS_TIMEZONE,
Asia/Shanghai), not the zone of the clock that stamped the event: events made in the office were
stamped in UTC, a day behind between 00:00 and 08:00 in Beijing. The record also keeps, for each
piece of evidence that pays, why it is doubtful (late, keyed, flagged; cleared by a reviewer's
acceptance) and who vouched for it. So every worker is folded again from the events, by the same
code the projection uses. A payout remembers the doubtful evidence it is held for.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payouts') as batch:
        batch.add_column(sa.Column('held_for', sa.JSON(), nullable=True))
    op.execute("UPDATE payouts SET held_for = '[]'")  # none held yet: the next recompute says
    _refold()


def _refold():
    from server.services.events import fact_rows, folded_columns, to_fact

    connection = op.get_bind()
    facts = {}
    for row in connection.execute(fact_rows()):
        facts.setdefault(row.worker_id, []).append(to_fact(row))
    # the table as it is at this revision: a later one's columns are its to fill
    workers = sa.Table('workers', sa.MetaData(), autoload_with=connection)
    for worker_id, worker_facts in facts.items():
        columns = folded_columns(worker_facts)
        connection.execute(workers.update().where(workers.c.id == worker_id).values(
            {key: value for key, value in columns.items() if key in workers.c}))


def downgrade():
    with op.batch_alter_table('payouts') as batch:
        batch.drop_column('held_for')
