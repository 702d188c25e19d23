"""the program's regions as data: prefectures, counties, workstations

The regions were one fixed file (server/data/regions.json); an admin now edits them. The file
stays as the program shipped, put in here (and by laborpass init-db into an empty database). The
workstation numbers the offices set (county_hotlines) become their workstations' phones.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

from server.domain.regions import shipped_programme
from server.models.types import UTCDateTime, utcnow

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    prefectures = op.create_table('program_prefectures',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('pinyin', sa.String(length=100), nullable=False),
    sa.Column('province', sa.String(length=50), nullable=False),
    sa.Column('side', sa.String(length=12), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    counties = op.create_table('program_counties',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('prefecture_code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('pinyin', sa.String(length=100), nullable=False),
    sa.Column('former_code', sa.String(length=6), nullable=True),
    sa.Column('former_name', sa.String(length=50), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['prefecture_code'], ['program_prefectures.code'], ),
    sa.PrimaryKeyConstraint('code'),
    sa.UniqueConstraint('former_code')
    )
    op.create_index('ix_program_counties_prefecture_code', 'program_counties',
                    ['prefecture_code'])
    op.create_table('workstations',
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('staff', sa.JSON(), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['program_counties.code'], ),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('county_code')
    )
    now = utcnow()
    shipped = shipped_programme()["prefectures"]
    op.bulk_insert(prefectures, [
        {"code": p["code"], "name": p["name"], "pinyin": p["pinyin"], "province": p["province"],
         "side": p["side"], "position": n, "added_at": now} for n, p in enumerate(shipped)])
    op.bulk_insert(counties, [
        {"code": c["code"], "prefecture_code": p["code"], "name": c["name"], "pinyin": c["pinyin"],
         "former_code": c.get("former_code"), "former_name": c.get("former_name"), "position": n,
         "added_at": now}
        for p in shipped for n, c in enumerate(p["counties"])])
    op.execute("INSERT INTO workstations (county_code, phone, staff, set_by, set_at) "
               "SELECT county_code, number, '[]', set_by, set_at FROM county_hotlines "
               "WHERE county_code IN (SELECT code FROM program_counties)")
    op.drop_table('county_hotlines')


def downgrade():
    op.create_table('county_hotlines',
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('county_code')
    )
    op.execute("INSERT INTO county_hotlines (county_code, number, set_by, set_at) "
               "SELECT county_code, phone, set_by, set_at FROM workstations")
    op.drop_table('workstations')
    op.drop_index('ix_program_counties_prefecture_code', table_name='program_counties')
    op.drop_table('program_counties')
    op.drop_table('program_prefectures')
