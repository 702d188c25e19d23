"""the worker's spells of employment on the record, and the day the first went silent

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
        batch.add_column(sa.Column('spell_silent_on', sa.Date(), nullable=True))
    _fill()


def _fill():
    """Each worker who ever worked: its spells, from the employment facts the record already keeps."""
    connection = op.get_bind()
    workers = sa.table('workers', sa.column('id'), sa.column('onboarded_on', sa.Date()),
                       sa.column('stability_facts', sa.JSON()), sa.column('spells', sa.JSON()),
                       sa.column('spell_silent_on', sa.Date()))
    found = {}
    for row in connection.execute(sa.select(workers.c.id, workers.c.stability_facts)
                                  .where(workers.c.onboarded_on.is_not(None))):
        worked = spells([expand(f) for f in row.stability_facts], FAR)
        found[row.id] = {'spells': [stored(s) for s in worked] or None,
                         'spell_silent_on': worked[0].next_check_due() if worked else None}
    for worker_id, values in found.items():
        connection.execute(workers.update().where(workers.c.id == worker_id).values(values))


def downgrade():
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('spell_silent_on')
        batch.drop_column('spells')
