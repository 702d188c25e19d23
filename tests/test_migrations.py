"""Upgrading a database in place: what a new revision adds is filled from the data already there.
"""

import datetime as dt

import flask_migrate
import time_machine
from sqlalchemy import inspect, select

from server.extensions import db
from server.models import Worker
from tests.api.test_subsidies import employed

REPORT_COLUMNS = ("registered_on", "onboarded_on", "month1_on", "month3_on", "counted_employer_id",
                  "stability_facts", "spells", "spell_silent_on", "reassignments")


def test_init_db_upgrades_a_database_in_place_and_fills_the_report_columns(client, auth, register,
                                                                           runner):
    """What a deploy runs (``laborpass init-db``) on a database of an older release, with its data.
    """
    workers = [employed(client, auth, register, n) for n in range(3)]
    register(9)  # registered only
    db.session.rollback()
    before = {w.id: [getattr(w, c) for c in REPORT_COLUMNS]
              for w in db.session.scalars(select(Worker))}
    # three onboarded, one not
    assert sum(1 for values in before.values() if values[1]) == len(workers)
    db.session.remove()

    flask_migrate.downgrade(revision="0009")  # the schema before: no report columns
    assert "month3_on" not in {c["name"] for c in inspect(db.engine).get_columns("workers")}
    assert runner.invoke(args=["init-db"]).output.endswith("database ready\n")

    after = {w.id: [getattr(w, c) for c in REPORT_COLUMNS]
             for w in db.session.scalars(select(Worker))}
    assert after == before


def test_the_upgrade_re_derives_stored_dates_in_beijings_calendar(client, auth, register, runner):
    """Records folded by an older release dated the office's events by the server's UTC clock: a
    registration at 01:30 in Beijing on 12-02 was stored as 12-01. Revision 0016 folds again."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC), tick=False):
        worker = register(5, on=None)["id"]
    old = db.session.get(Worker, worker)
    # as the old fold had it
    old.registered_on = dt.date(2026, 12, 1)
    old.milestones = {"registered": "2026-12-01"}
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(revision="0015")
    assert runner.invoke(args=["init-db"]).output.endswith("database ready\n")
    stored = db.session.get(Worker, worker)
    assert (stored.registered_on, stored.milestones["registered"]) == (dt.date(2026, 12, 2),
                                                                       "2026-12-02")
