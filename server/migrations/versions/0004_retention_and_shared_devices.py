"""retention and shared devices

A fair phone is shared by several people (``device_users``; each event names who pushed it as well
as who scanned it). The retention rule erases people: the worker's identity columns may be empty,
and a stored event may be changed exactly once — its personal data removed, ``redacted_at`` set,
nothing else touched. Every other update or delete of an event is still refused by the database.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 13:59:48.073806

"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Every column of events but the three a redaction writes: they must stay exactly as they were.
_KEPT = ("seq", "id", "type", "worker_id", "occurred_at", "occurred_offset_minutes", "recorded_at", "device_id",
         "device_seq", "envelope_hash", "actor_id", "pushed_by", "fair_id", "batch_id", "employer_id")
_KEPT_JSON = ("context", "flags")
_IDENTITY = (("id_number_enc", sa.VARCHAR(length=200)), ("id_number_bidx", sa.VARCHAR(length=64)),
             ("id_last4", sa.VARCHAR(length=4)), ("id_region_code", sa.VARCHAR(length=6)),
             ("name", sa.VARCHAR(length=100)), ("birth_date", sa.DATE()))


def upgrade():
    op.create_table('device_users',
    sa.Column('device_id', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('device_id', 'user_id')
    )
    op.create_index('ix_device_users_user_id', 'device_users', ['user_id'], unique=False)
    op.execute("INSERT INTO device_users (device_id, user_id, joined_at) SELECT id, user_id, created_at FROM devices")

    # Plain ADD COLUMN: a batch copy of events would drop its append-only triggers.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE events ADD COLUMN pushed_by INTEGER REFERENCES users (id)")
    else:
        op.add_column('events', sa.Column('pushed_by', sa.Integer(), sa.ForeignKey('users.id', name='fk_events_pushed_by')))
    op.add_column('events', sa.Column('redacted_at', UTCDateTime(), nullable=True))
    _allow_redaction_only()

    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', UTCDateTime(), nullable=True))
        for column, type_ in _IDENTITY:
            batch_op.alter_column(column, existing_type=type_, nullable=True)
        batch_op.create_index('ix_workers_erased_at', ['erased_at'], unique=False)
    op.execute("UPDATE workers SET birth_year = CAST(SUBSTR(CAST(birth_date AS TEXT), 1, 4) AS INTEGER)")


def _allow_redaction_only():
    if op.get_bind().dialect.name == "sqlite":
        unchanged = " AND ".join([f"NEW.{c} IS OLD.{c}" for c in _KEPT + _KEPT_JSON])
        op.execute("DROP TRIGGER events_no_update")
        op.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
            f"WHEN NOT (OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL AND {unchanged}) "
            "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
        )
    else:
        unchanged = " AND ".join([f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in _KEPT]
                                 + [f"NEW.{c}::text IS NOT DISTINCT FROM OLD.{c}::text" for c in _KEPT_JSON])
        op.execute(
            "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP = 'UPDATE' AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL "
            f"AND {unchanged} THEN RETURN NEW; END IF; "
            "RAISE EXCEPTION 'events are append-only'; END $$"
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_no_update")
        op.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
                   "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END")
    else:
        op.execute("CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION 'events are append-only'; END $$")
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_index('ix_workers_erased_at')
        for column, type_ in _IDENTITY:  # fails while erased workers exist: their identity is gone for good
            batch_op.alter_column(column, existing_type=type_, nullable=False)
        batch_op.drop_column('erased_at')
        batch_op.drop_column('birth_year')
    op.drop_column('events', 'redacted_at')
    op.drop_column('events', 'pushed_by')
    op.drop_index('ix_device_users_user_id', table_name='device_users')
    op.drop_table('device_users')
