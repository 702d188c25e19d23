"""the worker's spells of employment on the record (domain.stability.stored), from its events

Revision ID: 0011
Revises: 0010
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa

from server.domain.progress import expand
from server.domain.stability import spells, stored

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

FAR = dt.date(9999, 1, 1)  # every event counted, as the projection does


def upgrade():
    with op.batch_alter_table('workers') as batch:
        batch.add_column(sa.Column('spells', sa.JSON(), nullable=True))
    _fill()


def _fill():
    """Each worker who ever worked: its spells, from the employment facts the record already keeps."""
    connection = op.get_bind()
    workers = sa.table('workers', sa.column('id'), sa.column('onboarded_on', sa.Date()),
                       sa.column('stability_facts', sa.JSON()), sa.column('spells', sa.JSON()))
    found = {}
    for row in connection.execute(sa.select(workers.c.id, workers.c.stability_facts)
                                  .where(workers.c.onboarded_on.is_not(None))):
        found[row.id] = [stored(s) for s in spells([expand(f) for f in row.stability_facts], FAR)]
    for worker_id, worker_spells in found.items():
        connection.execute(workers.update().where(workers.c.id == worker_id).values(spells=worker_spells or None))


def downgrade():
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('spells')
