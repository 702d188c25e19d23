#!/usr/bin/env python3
"""Time card rendering: 500 workers registered in a scratch database, then their cards as
SVG, PNG and one A4 PDF sheet. Prints the figures; asserts nothing.

    .venv/bin/python scripts/bench_cards.py [--cards 500]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import User  # noqa: E402
from server.services import cards, printing  # noqa: E402
from server.services.credentials import ensure_credentials  # noqa: E402
from server.services.demo import numbered_person  # noqa: E402
from server.services.registration import register_worker  # noqa: E402


def timed(label: str, count: int, action):
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:8.2f} s   {seconds / count * 1000:8.1f} ms/card")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=500)
    count = parser.parse_args().cards
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app({"LABORPASS_INSTANCE_DIR": scratch,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/bench.db"})
        with app.app_context():
            flask_migrate.upgrade()
            admin = User(name="bench", role="admin")
            db.session.add(admin)
            db.session.commit()
            workers = timed(f"register {count} workers", count,
                            lambda: [register_worker(numbered_person(i), admin)[0]
                                     for i in range(count)])
            timed(f"issue {count} cards", count, lambda: ensure_credentials(workers, admin))
            ids = [w.id for w in workers]
            faces = [printing.face_for(i, admin) for i in ids]
            timed(f"render {count} SVG cards", count, lambda: [cards.render_svg(f) for f in faces])
            timed(f"render {count} PNG cards (300 dpi)", count,
                  lambda: [cards.render_png(f) for f in faces])
            pdf = timed(f"A4 PDF sheet of {count} cards", count,
                        lambda: printing.sheet_for(ids, admin))
            print(f"PDF: {len(pdf) / 1024:.0f} KiB, {-(-count // 10)} pages")


if __name__ == "__main__":
    main()
