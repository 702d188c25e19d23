#!/usr/bin/env python3
"""Time card rendering: 500 workers registered in a scratch database, then their cards as
SVG, PNG and one A4 PDF sheet. Prints the figures; asserts nothing.

    .venv/bin/python scripts/bench_cards.py [--cards 500]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402

from server import create_app  # noqa: E402
from server.domain.id_numbers import check_character  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import User  # noqa: E402
from server.services import cards, printing  # noqa: E402
from server.services.credentials import ensure_credentials  # noqa: E402
from server.services.registry import register_worker  # noqa: E402


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
        app = create_app({"LABORPASS_INSTANCE_DIR": scratch, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/bench.db"})
        with app.app_context():
            flask_migrate.upgrade()
            admin = User(name="bench", role="admin")
            db.session.add(admin)
            db.session.commit()
            workers = timed(f"register {count} workers", count,
                            lambda: [register_worker(person(i), admin)[0] for i in range(count)])
            timed(f"issue {count} cards", count, lambda: ensure_credentials(workers, admin))
            ids = [w.id for w in workers]
            faces = [printing.face_for(i, admin) for i in ids]
            timed(f"render {count} SVG cards", count, lambda: [cards.render_svg(f) for f in faces])
            timed(f"render {count} PNG cards (300 dpi)", count, lambda: [cards.render_png(f) for f in faces])
            pdf = timed(f"A4 PDF sheet of {count} cards", count, lambda: printing.sheet_for(ids, admin))
            print(f"PDF: {len(pdf) / 1024:.0f} KiB, {-(-count // 10)} pages")


def person(i: int) -> dict:
    first17 = f"621121{dt.date(1970, 1, 1) + dt.timedelta(days=i * 17):%Y%m%d}{i % 1000:03d}"
    return {"name": "张秀英", "id_number": first17 + check_character(first17), "phone": None,
            "home": {"county_code": "621121", "township": "平襄镇", "village": None}, "poor_household": False,
            "skills": [], "desired_jobs": [], "education": None,
            "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}}


if __name__ == "__main__":
    main()
