"""What the import contracts (``lint-imports``, setup.cfg) cannot see: a service never reaches for
the request being served. Whatever a use case needs of it (who calls, from where) the view passes
in, so the same service runs from the CLI, a test or a background job."""
from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parent.parent / "server" / "services"
REQUEST_BOUND = {"request", "session", "g", "has_request_context", "make_response", "abort",
                 "jsonify"}


def flask_names_used(source: str) -> set[str]:
    """Every name a module takes from Flask: ``from flask import x`` (at any depth, deferred
    imports included) and ``flask.x``."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask.globals"):
            names |= {alias.name for alias in node.names}
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "flask"
        ):
            names.add(node.attr)
    return names


def test_the_checker_sees_deferred_and_dotted_uses_of_the_request():
    deferred = ("def address():\n    from flask import has_request_context, request\n"
                "    return request.remote_addr\n")
    dotted = "import flask\n\ndef who():\n    return flask.session['user_id']\n"
    assert flask_names_used(deferred) == {"has_request_context", "request"}
    assert flask_names_used(dotted) == {"session"}
    assert flask_names_used("from flask import current_app\n") == {"current_app"}


def test_no_service_reads_the_request_being_served():
    offenders = {str(path.relative_to(SERVICES)): sorted(used & REQUEST_BOUND)
                 for path in sorted(SERVICES.rglob("*.py"))
                 if (used := flask_names_used(path.read_text(encoding="utf-8"))) & REQUEST_BOUND}
    assert len(list(SERVICES.rglob("*.py"))) > 20
    assert offenders == {}


API = SERVICES.parent / "api"
# Commits outside ``services.unit_of_work.use_case``: each keeps something a refusal or a later
# failure must not take back, or is a long job's own progress.
COMMITS_OF_THEIR_OWN = {
    ("passkeys.py", "authenticate"),  # a copied passkey stays locked; the sign counter moves on
    ("enrollment.py", "redeem"),  # a wrong enrollment code counts toward the limit
    ("passkeys.py", "_fail"),  # a failed ceremony is audited
    ("workers.py", "view_worker"),  # who looked at a record, audited at once
    ("sync/devices.py", "join_on_sign_in"),  # a refused join is audited
    ("sync/push.py", "push"),  # a push's own transaction, retried whole on a conflict
    ("imports.py", "apply"),  # a long import's progress, chunk by chunk
    ("demo.py", "seed_demo"),  # the demo's people, then their events
}


def commits(source: str) -> list[str]:
    """The functions that call ``….commit()`` (the innermost named one)."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            name = (
                child.name
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                else function
            )
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr == "commit"
            ):
                found.append(function)
            visit(child, name)

    visit(ast.parse(source), None)
    return found


def test_the_checker_sees_a_commit_in_a_nested_function():
    source = (
        "def outer():\n    def inner():\n        db.session.commit()\n    db.session.commit()\n"
    )
    assert sorted(commits(source)) == ["inner", "outer"]


def test_use_cases_commit_in_one_place_and_views_never():
    in_views = {path.name: commits(path.read_text(encoding="utf-8")) for path in API.glob("*.py")}
    assert {name: found for name, found in in_views.items() if found} == {}
    of_their_own = {(str(path.relative_to(SERVICES)), function) for path in SERVICES.rglob("*.py")
                    if path.name != "unit_of_work.py"
                    for function in commits(path.read_text(encoding="utf-8"))}
    assert of_their_own == COMMITS_OF_THEIR_OWN
