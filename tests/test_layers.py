"""What the import contracts (``lint-imports``, setup.cfg) cannot see: a service never reaches for
the request being served. Whatever a use case needs of it (who calls, from where) the view passes
in, so the same service runs from the CLI, a test or a background job."""
from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parent.parent / "server" / "services"
REQUEST_BOUND = {"request", "session", "g", "has_request_context", "make_response", "abort", "jsonify"}


def flask_names_used(source: str) -> set[str]:
    """Every name a module takes from Flask: ``from flask import x`` (at any depth, deferred
    imports included) and ``flask.x``."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask.globals"):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "flask":
            names.add(node.attr)
    return names


def test_the_checker_sees_deferred_and_dotted_uses_of_the_request():
    deferred = "def address():\n    from flask import has_request_context, request\n    return request.remote_addr\n"
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
