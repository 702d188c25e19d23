"""the number of re-assignments on the record, in the at-risk index

The at-risk list counted each worker's re-assignments in the event log at every request (a scan
of the whole log on SQLite); the projection keeps the count now.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

AT_RISK = ['status', 'home_county_code', 'erased_at', 'last_confirmed_on', 'employed_since', 'employment_ended_on', 'id']


def upgrade():
    with op.batch_alter_table('workers') as batch:
        batch.add_column(sa.Column('reassignments', sa.Integer(), nullable=False, server_default='0'))
    connection = op.get_bind()
    workers = sa.table('workers', sa.column('id'), sa.column('onboarded_on', sa.Date()),
                       sa.column('stability_facts', sa.JSON()), sa.column('reassignments', sa.Integer()))
    moved = {}
    for row in connection.execute(sa.select(workers.c.id, workers.c.stability_facts)
                                  .where(workers.c.onboarded_on.is_not(None))):
        # the facts the record keeps (compact rows: id, type, …), voided ones already left out
        if n := sum(fact[1] == 'employment.reassigned' for fact in row.stability_facts or []):
            moved[row.id] = n
    for worker_id, n in moved.items():
        connection.execute(workers.update().where(workers.c.id == worker_id).values(reassignments=n))
    op.drop_index('ix_workers_at_risk', table_name='workers')
    op.create_index('ix_workers_at_risk', 'workers', [*AT_RISK[:3], 'reassignments', *AT_RISK[3:]])


def downgrade():
    op.drop_index('ix_workers_at_risk', table_name='workers')
    op.create_index('ix_workers_at_risk', 'workers', AT_RISK)
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('reassignments')
