"""the workstations' services: a worker's requests for help on the record

How many of a worker's requests are not closed, and the day the oldest was made (domain.help: the
at-risk list's "open more than 3 days"). Empty to begin with: no request exists before this
revision.

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workers') as batch:
        batch.add_column(sa.Column('help_open', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('help_open_since', sa.Date(), nullable=True))
    op.create_index('ix_workers_help_open', 'workers', ['help_open_since', 'home_county_code'])


def downgrade():
    op.drop_index('ix_workers_help_open', table_name='workers')
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('help_open_since')
        batch.drop_column('help_open')
