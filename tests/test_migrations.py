"""Upgrading a database in place: what a new revision adds is filled from the data already there."""
import flask_migrate
from sqlalchemy import inspect, select

from server.extensions import db
from server.models import Worker
from tests.api.test_subsidies import employed

REPORT_COLUMNS = ("registered_on", "onboarded_on", "month1_on", "month3_on", "counted_employer_id", "stability_facts",
                  "spells", "spell_silent_on", "reassignments")


def test_upgrading_past_0010_fills_the_report_columns_from_the_events(client, auth, register):
    workers = [employed(client, auth, register, n) for n in range(3)]
    register(9)  # registered only
    db.session.rollback()
    before = {w.id: [getattr(w, c) for c in REPORT_COLUMNS] for w in db.session.scalars(select(Worker))}
    assert sum(1 for values in before.values() if values[1]) == len(workers)  # three onboarded, one not
    db.session.remove()

    flask_migrate.downgrade(revision="0009")  # the schema before: no report columns
    assert "month3_on" not in {c["name"] for c in inspect(db.engine).get_columns("workers")}
    flask_migrate.upgrade()

    after = {w.id: [getattr(w, c) for c in REPORT_COLUMNS] for w in db.session.scalars(select(Worker))}
    assert after == before
