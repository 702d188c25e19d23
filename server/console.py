"""``laborpass``: the console entry point, the Flask CLI group over ``create_app`` (commands:
``server/cli.py``)."""

from __future__ import annotations

from flask.cli import FlaskGroup

from server.app import create_app


def main() -> None:
    FlaskGroup(create_app=create_app, help="LaborPass administration.")()
