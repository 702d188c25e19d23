"""a phone's own key, and memberships bound to it

A device may carry its ECDSA P-256 public key; once it does, its pushes must be signed by it. A
membership is bound when the person signed in with a passkey on the phone and the phone signed
the sign-in's challenge. Memberships made before this release stay, unbound: those people push
from the phone as themselves, and no one may name them as a scan's maker until they sign in on it.
A quarantined envelope remembers whether its push was signed: re-applied, it vouches for no one
the push itself could not.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('devices') as batch:
        batch.add_column(sa.Column('public_key', sa.Text(), nullable=True))
        batch.add_column(sa.Column('key_added_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('device_users') as batch:
        batch.add_column(sa.Column('bound_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('quarantine') as batch:
        batch.add_column(sa.Column('signed', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('quarantine') as batch:
        batch.drop_column('signed')
    with op.batch_alter_table('device_users') as batch:
        batch.drop_column('bound_at')
    with op.batch_alter_table('devices') as batch:
        batch.drop_column('key_added_at')
        batch.drop_column('public_key')
