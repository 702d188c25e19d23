"""Upgrading a database in place: what a new revision adds is filled from the data already there."""
import flask_migrate
from sqlalchemy import inspect, select

from server.extensions import db
from server.models import Worker
from tests.api.test_subsidies import employed

REPORT_COLUMNS = ("registered_on", "onboarded_on", "month1_on", "month3_on", "counted_employer_id", "stability_facts",
                  "spells", "spell_silent_on", "reassignments")


def test_init_db_upgrades_a_database_in_place_and_fills_the_report_columns(client, auth, register, runner):
    """What a deploy runs (``laborpass init-db``) on a database of an older release, with its data."""
    workers = [employed(client, auth, register, n) for n in range(3)]
    register(9)  # registered only
    db.session.rollback()
    before = {w.id: [getattr(w, c) for c in REPORT_COLUMNS] for w in db.session.scalars(select(Worker))}
    assert sum(1 for values in before.values() if values[1]) == len(workers)  # three onboarded, one not
    db.session.remove()

    flask_migrate.downgrade(revision="0009")  # the schema before: no report columns
    assert "month3_on" not in {c["name"] for c in inspect(db.engine).get_columns("workers")}
    assert runner.invoke(args=["init-db"]).output.endswith("database ready\n")

    after = {w.id: [getattr(w, c) for c in REPORT_COLUMNS] for w in db.session.scalars(select(Worker))}
    assert after == before
