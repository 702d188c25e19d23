"""One way to page a list (schemas/paging.py, services.queries.paginate): every paged list takes
``page``/``per_page`` with the same bounds and answers ``{items, total, page, per_page}``; a list
answered whole is one of the few whose size the programme bounds. The ledger, a bare array older
than the envelope, is paged with the same arguments and says the same numbers in headers."""
from __future__ import annotations

import pytest

PAGED = ("/api/workers", "/api/fairs", "/api/batches", "/api/reviews", "/api/at-risk",
         "/api/follow-ups", "/api/help-requests",
         "/api/trainings", "/api/sync/quarantine", "/api/auth/users", "/api/audit")
PAGED_IN_HEADERS = ("/api/payouts",)  # a bare array: X-Total-Count, X-Page, X-Per-Page
# long runs
LONGER_PAGES = {"/api/at-risk": (100, 500), "/api/follow-ups": (100, 500),
                "/api/help-requests": (100, 500),
                "/api/audit": (100, 1000), "/api/payouts": (500, 1000)}
# Answered whole, and why that stays small.
WHOLE = {
    "/api/workers/{worker_id}/events": "one person's events",
    "/api/workers/{worker_id}/help": "one person's requests for help",
    "/api/job-types": "the programme's job types",
    "/api/employers": "the programme's employers (hundreds)",
    "/api/batches/{batch_id}/handovers": "one batch's hand-overs",
    "/api/sites": "an employer's workplaces",
    "/api/policies": "the subsidy policies' versions",
    "/api/targets": "one target per county and year",
    "/api/reports/subsidies": "totals per policy and status",
    "/api/devices": "the phones",
    "/api/auth/me/record-views": "who opened one's own record",
    "/api/auth/passkeys": "one's own passkeys",
    "/api/tokens": "API tokens",
}


def _list_answers(spec):
    for path, operations in spec["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("type") == "array" or "Page" in schema.get("$ref", ""):
            yield path, operations["get"], schema


def test_every_list_is_paged_one_way_or_is_one_the_programme_bounds(client):
    spec = client.get("/api/openapi.json").json
    paged, whole = set(), set()
    for path, operation, schema in _list_answers(spec):
        headers = operation["responses"]["200"].get("headers", {})
        if schema.get("type") == "array" and not headers:
            whole.add(path)
            continue
        paged.add(path)
        if schema.get("type") == "array":
            assert list(headers) == ["X-Total-Count", "X-Page", "X-Per-Page"], path
        else:
            component = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            assert list(component["properties"]) == ["items", "total", "page", "per_page"], path
        query = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
        default, most = LONGER_PAGES.get(path, (50, 200))
        assert query["page"] == {
            "type": "integer",
            "default": 1,
            "minimum": 1,
            "maximum": 100_000,
        }, path
        assert query["per_page"] == {
            "type": "integer",
            "default": default,
            "minimum": 1,
            "maximum": most,
        }, path
    assert paged == set(PAGED + PAGED_IN_HEADERS)
    assert whole == set(WHOLE)


@pytest.mark.parametrize("path", PAGED)
def test_a_page_is_the_one_asked_for_and_says_how_many_there_are(client, auth, register, path):
    for n in range(3):
        register(n)
    first = client.get(f"{path}?per_page=1", headers=auth.headers("admin"))
    assert first.status_code == 200, first.json
    body = first.json
    assert (body["page"], body["per_page"], len(body["items"])) == (1, 1, min(1, body["total"]))
    if body["total"] > 1:
        second = client.get(f"{path}?per_page=1&page=2", headers=auth.headers("admin")).json
        assert (
            second["page"] == 2
            and second["total"] == body["total"]
            and second["items"] != body["items"]
        )
    past = client.get(
        f"{path}?per_page=1&page={body['total'] + 1}", headers=auth.headers("admin")
    ).json
    assert past["items"] == [] and past["total"] == body["total"]
    most = LONGER_PAGES.get(path, (50, 200))[1]
    for bad in ("per_page=0", f"per_page={most + 1}", "page=0", "page=x"):
        refused = client.get(f"{path}?{bad}", headers=auth.headers("admin"))
        assert refused.status_code == 422 and refused.json["code"] == "validation_failed", (
            path,
            bad,
        )
        assert set(refused.json["errors"]) <= {"page", "per_page"}, refused.json
