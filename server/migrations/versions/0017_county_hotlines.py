"""county workstations' phone numbers, as the office sets them

The counties are the region data (server/data/regions.json), not rows: what the office may change
about one, its workstation's number, lives in its own table. No row: the region data's number,
else LABORPASS_HOTLINE.

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('county_hotlines',
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('county_code')
    )


def downgrade():
    op.drop_table('county_hotlines')
