
"""County targets per year: set by the city (admins), read by the county, and progress that equals
an independent count in plain SQL on the same data."""
import datetime as dt

import pytest
from sqlalchemy import text

from server.extensions import db
from tests.api.sync_helpers import envelope, push
from tests.api.test_subsidies import DAY0, at, employed

pytestmark = pytest.mark.usefixtures("batch")  # its scans name the batch "b"

YEAR = (DAY0 + dt.timedelta(days=90)).year  # every event below falls in this year


def test_targets_and_progress_by_county(client, auth, register):
    target = {"transfers": 3000, "arrivals": 2800, "stable_3_months": 2000}
    assert (
        client.put(
            f"/api/targets/621121/{YEAR}", json=target, headers=auth.headers("county")
        ).status_code
        == 403
    )
    assert (
        client.put(
            f"/api/targets/350121/{YEAR}", json=target, headers=auth.headers("admin")
        ).status_code
        == 422
    )
    assert (
        client.put(
            f"/api/targets/621121/{YEAR}", json=target, headers=auth.headers("admin")
        ).status_code
        == 200
    )

    # onboarded on DAY0, confirmed on days 30 and 60: 3 months on day 90
    employed(client, auth, register, 20)
    travellers = [register(21 + n)["id"] for n in range(3)]
    push(client, auth, "county", "office",
         *[envelope("batch.assigned", 1 + n, worker_id=w, at=at(80),
                                                      context={"batch_id": "b"}) for n,
           w in enumerate(travellers)],
         *[envelope("batch.departed", 4 + n, worker_id=w, at=at(90), context={"batch_id": "b"})
           for n, w in enumerate(travellers[:2])])
    push(client, auth, "greeter", "station",
         envelope("station.arrived", 1, worker_id=travellers[0], at=at(91)))

    [row] = client.get(f"/api/targets?year={YEAR}", headers=auth.headers("county")).json
    assert (row["county_name"], row["targets"]) == ("通渭县", target)
    # who reached the stage or a later one (someone onboarded was transferred and arrived, scanned
    # or not)
    sql = {measure: db.session.execute(text(
        "SELECT COUNT(DISTINCT e.worker_id) FROM events e JOIN workers w ON w.id = e.worker_id"
        f" WHERE e.type IN ({types}) AND w.home_county_code = '621121'")).scalar()
        for measure,
           types in (("transfers", "'batch.departed', 'station.arrived', 'employer.onboarded'"),
                               ("arrivals", "'station.arrived', 'employer.onboarded'"))}
    assert row["actual"] == {"transfers": sql["transfers"], "arrivals": sql["arrivals"],
                             "stable_3_months": 1}
    assert sql == {"transfers": 3, "arrivals": 2}
    assert client.get(f"/api/targets?year={YEAR}", headers=auth.headers("other_county")).json == []
    assert client.get(f"/api/targets?year={YEAR - 1}", headers=auth.headers("admin")).json == []
