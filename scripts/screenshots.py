#!/usr/bin/env python3
"""Screenshots of every screen of every role at a phone's size (360×740), in Chinese and in
English, on demo data, in Debian's Chromium: for people to look at before a release.

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Prints the files it wrote; asserts nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from scripts.bench_scan import serve  # noqa: E402
from server.domain.id_numbers import check_character  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Employer, User, Worker  # noqa: E402
from server.services import batches, demo, fairs, trainings  # noqa: E402
from server.services.enrollment import create_enrollment, invite_worker  # noqa: E402
from server.services.events import record_event  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, add_authenticator  # noqa: E402

TZ = dt.timezone(dt.timedelta(hours=8))
# What each role's phone shows: (file name, the hash to open, a selector that says it is drawn[,
# what to tap then]).
SCREENS = {
    "county": [("workers", "#workers", "#records"), ("fairs", "#fairs", "#fairs li"),
               ("fair", "#fairs/{fair}", "#funnel"),
               ("plan-fair", "#fairs/new", "#plan-fair"), ("batches", "#batches", "#batches li"),
               ("batch", "#batches/{batch}", "#batch"), ("reviews", "#reviews", "#reviews"),
               ("at-risk", "#at-risk", "#at-risk li"),
               ("trainings", "#trainings", "#trainings li"),
               ("imports", "#imports", "#upload"), ("payouts", "#payouts", "#payouts"),
               ("reports", "#reports", "#funnel-table tr.total"),
               ("accounts", "#users", "#accounts"),
               ("quarantine", "#reviews", "#reviews", "#part-quarantine"),
               ("policies", "#policies", "#policies"),
               ("targets", "#policies/targets", "#targets-table")],
    "fair_staff": [("scan", "#scan", ".scan")],
    "greeter": [("scan", "#scan", ".scan")],
    "employer": [("scan", "#scan", ".scan"), ("fairs", "#fairs", "#fairs li"),
                 ("sites", "#sites", "#sites"),
                 ("staff", "#staff", "#staff")],
    "worker": [("card", "#card", "#my-card")],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        server = serve(scratch)
        origin = f"http://localhost:{server.server_port}"
        server.app.config.update(LABORPASS_ORIGIN=origin, LABORPASS_RP_ID="localhost")
        with server.app.app_context():
            places, codes = seed()
        written = shoot(origin, places, codes, out)
        server.shutdown()
    print("\n".join(str(path) for path in written))


def seed() -> tuple[dict, dict]:
    """Demo data, a fair with jobs and intentions, a batch built from it, a training; a sign-up
    code per role."""
    demo.seed_demo(workers=40)
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    employers = list(db.session.scalars(select(Employer)))
    today = dt.datetime.now(TZ).date()
    fair = fairs.create_fair({"name": "平襄镇冬季招聘会", "county_code": "621121",
                              "township": "平襄镇", "venue": "镇政府广场",
                              "date": today + dt.timedelta(days=10), "starts_at": dt.time(9),
                              "ends_at": dt.time(16),
                              "organiser": "通渭县人社"
                                           "局", "employer_ids": [e.id for e in employers]}, admin)
    for employer, (job, title, low, high) in zip(
        employers,
        (
            ("sewing", "缝纫工", 4000, 5500),
            ("electronics_assembly", "电子装配工", 4200, 5200),
            ("food_processing", "食品包装工", 3800, 4600),
        ),
        strict=True,
    ):
        fairs.add_posting(fair.id, {"employer_id": employer.id, "job_type": job, "title": title,
                                    "openings": 50,
                                    "wage_min": low, "wage_max": high, "wage_basis": "piece_rate",
                                    "hours": "每天8小时",
                                    "housing": True, "food": True, "district_code": "350121"},
                          admin)
    tongwei = list(db.session.scalars(select(Worker).where(Worker.home_county_code == "621121",
                                                           Worker.status == "registered")))
    for i, worker in enumerate(tongwei):
        record_event(worker, "fair.checked_in", actor=admin, context={"fair_id": fair.id})
        if i % 3:
            record_event(worker, "fair.intent_signed", actor=admin,
                         context={"fair_id": fair.id,
                                  "employer_id": employers[i % len(employers)].id})
    departs = dt.datetime.combine(today + dt.timedelta(days=20), dt.time(8, 30), TZ)
    batch = batches.create_batch({"name": "通渭—福州 2027年第1批", "origin_county_code": "621121",
                                  "departure_station": "定西北站", "departs_at": departs,
                                  "train_number": "D2702",
                                  "carriages": "5、6号车厢", "destination_station": "福州站",
                                  "expected_arrival_at": departs + dt.timedelta(hours=22),
                                  "employer_ids": [e.id for e in employers]}, admin)
    batches.add_to_roster(batch.id, admin, from_fair_id=fair.id)
    training = trainings.create_training(
        {
            "title": "缝纫岗前培训",
            "skill": "缝纫",
            "provider": "通渭县职教中心",
            "place": "平襄镇",
            "county_code": "621121",
            "starts_on": today,
            "ends_on": today + dt.timedelta(days=2),
            "capacity": 40,
            "hours": 16,
        },
        admin,
    )
    codes = {role: create_enrollment(None, name=f"shot-{role}", role=role, **extra)[1] for role,
             extra in (
        ("county", {"county_code": "621121"}), ("fair_staff", {"county_code": "621121"}),
        ("greeter", {"station": "福州站"}), ("employer", {"employer_id": employers[0].id}))}
    employed = db.session.scalar(select(Worker).where(Worker.status == "employed"))
    _enrollment, code, user = invite_worker(admin, employed.id)
    codes["worker"] = (user.name, code)
    db.session.commit()
    return {"fair": fair.id, "batch": batch.id, "training": training.id}, codes


def shoot(origin: str, places: dict, codes: dict, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for role, screens in SCREENS.items():
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                          viewport={"width": 360, "height": 740}, is_mobile=True)
            page = context.new_page()
            add_authenticator(page)
            name, code = codes[role] if isinstance(codes[role], tuple) else (f"shot-{role}",
                                                                             codes[role])
            page.goto(origin + "/")
            page.wait_for_selector("#enroll")
            if role == "county":
                written.append(_shot(page, out / "sign-in-zh.png"))
            page.fill("#enroll input[name=name]", name)
            page.fill("#enroll input[name=code]", code)
            page.click("#enroll button")
            page.wait_for_selector("text=通行密钥已创建")
            page.click("#sign-in")
            page.wait_for_selector("#signed-in")
            page.wait_for_timeout(1500)  # the first sync: fairs, batches and keys on the phone
            for lang in ("zh", "en"):
                page.evaluate(f"localStorage.setItem('laborpass.lang', '{lang}')")
                page.reload()  # the language is read when the app starts
                page.wait_for_selector("#signed-in")
                for shot, where, drawn, *tap in screens:
                    page.goto(origin + "/" + where.format(**places))
                    page.wait_for_selector(drawn)
                    for selector in tap:
                        page.click(selector)
                    if role in ("fair_staff", "greeter") and page.locator("select[name=pick] "
                                                                          "option").count() > 1:
                        # the fair or the batch of the day
                        page.select_option("select[name=pick]", index=1)
                    page.wait_for_timeout(300)
                    written.append(_shot(page, out / f"{role}-{shot}-{lang}.png"))
                # someone without a card: the form, then the temporary pass
                if role == "fair_staff":
                    written += register_on_the_spot(page, out, lang)
            context.close()
        browser.close()
    return written


def register_on_the_spot(page, out: Path, lang: str) -> list[Path]:
    page.click("#register-here")
    page.wait_for_selector("#register")
    page.locator("#register").scroll_into_view_if_needed()
    shots = [_shot(page, out / f"fair_staff-register-{lang}.png")]
    page.fill("#register input[name=name]", "现场登记")
    # one person a language: the second is no duplicate
    body = "6211211990060155" + ("5" if lang == "zh" else "6")
    page.fill("#register input[name=id_number]", body + check_character(body))
    page.check("#register input[name=consent]")
    page.click("#register button[type=submit]")
    page.wait_for_selector("#pass img")
    page.locator("#pass").scroll_into_view_if_needed()
    shots.append(_shot(page, out / f"fair_staff-pass-{lang}.png"))
    page.click("#pass-done")
    return shots


def _shot(page, path: Path) -> Path:
    page.screenshot(path=str(path), full_page=False)
    return path


if __name__ == "__main__":
    main()
