"""One vocabulary of reason codes (server/domain/reasons.py): every code the server sends is a
member of ``Reason``, named as such where it is raised, and listed in the OpenAPI document, so
the PWA and scripts can rely on the list (pwa/test/reasons.test.js reads it there)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from werkzeug import exceptions

from server.domain.reasons import CARD_REFUSALS, REGISTRATION_WARNINGS, SCAN_REFUSALS, Reason

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for folder in ("server", "schemas") for p in (ROOT / folder).rglob("*.py")
                 if "migrations" not in p.parts)
# What carries a code: the exceptions of server/errors.py, a refused scan's ``Rejection``, a card's
# ``CredentialError`` and the API's own error answers.
# (``Forbidden`` takes a message only: its code is fixed.)
CARRIERS = {"DomainError", "Conflict", "RuleRefused", "Unavailable", "PasskeyRefused",
            "ScanRefused",
            "DeviceRefused", "BackupError", "Rejected", "Rejection", "CredentialError"}


def _name(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)


def codes_written_as_text(source: str) -> list[str]:
    """Codes spelt as string literals where a ``Reason`` member belongs."""
    found = []
    for node in ast.walk(ast.parse(source)):
        candidates = []
        if isinstance(node, ast.Call) and _name(node) in CARRIERS and node.args:
            candidates.append(node.args[0])
        if isinstance(node, ast.Call) and _name(node) == "error_response" and len(node.args) > 1:
            candidates.append(node.args[1])
        if isinstance(node, ast.Call):
            candidates += [k.value for k in node.keywords if k.arg == "code"]
        if isinstance(node, ast.Dict):
            candidates += [v for k, v in zip(node.keys, node.values, strict=True)
                           if isinstance(k, ast.Constant) and k.value == "code"]
        found += [c.value for c in candidates if isinstance(c, ast.Constant)
                  and isinstance(c.value, str)]
    return found


def members_named(source: str) -> set[str]:
    return {node.attr for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "Reason"}


def not_found_subjects(source: str) -> set[str]:
    return {node.args[0].value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and _name(node) == "NotFound" and node.args
            and isinstance(node.args[0], ast.Constant)}


def test_the_checks_see_a_code_written_as_text_and_a_member_that_does_not_exist():
    source = ('raise Conflict("already_decided", "x")\nraise Forbidden("只有本人。 Only the '
              'worker.")\nraise RuleRefused(Reason.HELD, "y")\nerror_response(503, "storage_full",'
              ' "z")\nwarnings.append({"field": "f", "code": "old_notice"})\nraise '
              'NotFound("batch")\nReason.NO_SUCH_THING\n')
    assert codes_written_as_text(source) == ["already_decided", "storage_full", "old_notice"]
    assert members_named(source) == {"HELD", "NO_SUCH_THING"}
    assert not_found_subjects(source) == {"batch"}


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in SOURCES}


def test_every_code_is_raised_as_a_member_of_the_enum(sources):
    spelt = {path: codes for path,
             text in sources.items() if (codes := codes_written_as_text(text))}
    assert spelt == {}
    named = set().union(*(members_named(text) for text in sources.values()))
    assert named - set(Reason.__members__) == set()
    subjects = set().union(*(not_found_subjects(text) for text in sources.values()))
    assert len(subjects) > 10
    assert {f"{what}_not_found" for what in subjects} <= set(Reason)


def test_every_member_is_something_the_server_can_send(sources):
    named = set().union(*(members_named(text) for text in sources.values()
                          if "domain/reasons.py" not in text))
    named |= {Reason(f"{what}_not_found").name for text in sources.values()
              for what in not_found_subjects(text)}
    # The API's answers to a bad request, an unknown URL or method, a body too large and too many
    # requests are Werkzeug's own names (server/api/errors.py: handle_http_exception).
    http = {exceptions.BadRequest, exceptions.NotFound, exceptions.MethodNotAllowed,
            exceptions.RequestEntityTooLarge, exceptions.TooManyRequests}
    named |= {Reason(error().name.lower().replace(" ", "_")).name for error in http}
    assert set(Reason.__members__) - named == set()


def test_the_openapi_document_lists_the_codes(client):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    assert schemas["Error"]["properties"]["code"]["enum"] == [r.value for r in Reason]
    assert schemas["PushResult"]["properties"]["reason"]["enum"] == [
        r.value for r in SCAN_REFUSALS
    ] + [None]
    assert schemas["QuarantinedEvent"]["properties"]["reason"]["enum"] == [r.value
                                                                           for r in SCAN_REFUSALS]
    assert schemas["Warning"]["properties"]["code"]["enum"] == [r.value
                                                                for r in REGISTRATION_WARNINGS]
    assert set(CARD_REFUSALS) <= set(SCAN_REFUSALS) and Reason.VOID_NEEDS_REVIEW in SCAN_REFUSALS
