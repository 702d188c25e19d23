"""pay against expectation on the worker's record

What the worker expected at the fair (default 3,500 yuan, the seed's figure), the latest month's
pay the employer gave and the worker's answer to it, how many months running paid under 2,800
(domain.pay), and the job the worker is counted in (the pay report's job type). Every worker who
signed an intention or was confirmed at work is folded again.

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

COLUMNS = (('expected_pay', sa.Integer()), ('pay_month', sa.String(length=7)),
           ('pay', sa.Integer()), ('pay_disputed', sa.Boolean()), ('pay_claimed', sa.Integer()),
           ('pay_posting_id', sa.String(length=36)))


def upgrade():
    with op.batch_alter_table('workers') as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(sa.Column('low_pay_months', sa.Integer(), nullable=False,
                                   server_default='0'))
    _refold()


def _refold():
    from server.models import Event
    from server.services.events import fact_rows, folded_columns, to_fact

    connection = op.get_bind()
    concerned = sa.select(Event.worker_id).where(
        Event.type.in_(('fair.intent_signed', 'employment.confirmed', 'employer.onboarded')))
    facts = {}
    for row in connection.execute(fact_rows(Event.worker_id.in_(concerned))):
        facts.setdefault(row.worker_id, []).append(to_fact(row))
    workers = sa.Table('workers', sa.MetaData(), autoload_with=connection)
    for worker_id, worker_facts in facts.items():
        columns = folded_columns(worker_facts)
        connection.execute(workers.update().where(workers.c.id == worker_id).values(
            {key: value for key, value in columns.items() if key in workers.c}))


def downgrade():
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('low_pay_months')
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
