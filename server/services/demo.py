"""Demo data for a first look: employers, one user per role, Dingxi workers with cards and scans.

Names, numbers and companies are invented; ID numbers have valid check characters and
carry both the pre-2003 (6224xx) and the current (6211xx) Dingxi region codes.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from server.domain.id_numbers import check_character
from server.extensions import db
from server.models import Employer, User, current_programme
from server.services.credentials import ensure_credentials
from server.services.events import record_event
from server.services.registration import register_worker
from server.services.unit_of_work import use_case

EMPLOYERS = ("福州闽江纺织有限公司", "福清融侨电子科技有限公司", "长乐海峡食品有限公司")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "志强", "桂兰", "永红", "海燕", "小军", "丽娟", "明", "芳", "伟", "娜",
         "强", "霞", "春生", "玉梅")
TOWNSHIPS = ("平襄镇", "马营镇", "义岗川镇", "首阳镇", "会川镇", "新寺镇", "梅川镇")
STATION = "福州站"


@use_case
def seed_demo(*, workers: int = 30, seed: int = 2017) -> str:
    """Fill an empty database; a database that has users is left alone."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return "demo data skipped: the database already has users"
    rng = random.Random(seed)
    employers = [Employer(name=name) for name in EMPLOYERS]
    db.session.add_all(employers)
    db.session.flush()
    admin = User(name="admin", role="admin")
    users = [
        admin,
        User(name="tongwei-county", role="county", county_code="621121"),
        User(name="tongwei-workstation", role="workstation", county_code="621121"),
        User(name="tongwei-fair", role="fair_staff", county_code="621121"),
        User(name="fuzhou-greeter", role="greeter", station=STATION),
        User(name="minjiang-hr", role="employer", employer_id=employers[0].id),
    ]
    db.session.add_all(users)
    db.session.commit()  # the demo: its people, then their events

    counties = current_programme().side_of("origin")
    registered = []
    for i in range(workers):
        county = counties[i % len(counties)] if i % 3 else counties[1]  # Tongwei gets a third
        worker, _ = register_worker(_demo_person(rng, county, i), admin)
        registered.append(worker)
    ensure_credentials(registered, admin)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    for i, worker in enumerate(registered[: workers // 2]):
        arrived = today - dt.timedelta(days=20 + 7 * i)
        record_event(worker, "station.arrived", actor=users[4], occurred_at=arrived,
                     context={"station": STATION})
        employer = employers[i % len(employers)]
        record_event(worker, "employer.onboarded", actor=admin,
                     occurred_at=arrived + dt.timedelta(hours=5),
                     context={"employer_id": employer.id},
                     data={"start_date": arrived.date().isoformat()})
    return (f"demo data: {len(employers)} employers, {len(users)} users "
            f"({', '.join(u.name for u in users)}), {len(registered)} workers")


def _demo_person(rng: random.Random, county: dict, index: int) -> dict:
    birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 36))
    # Numbers first issued before 2003 keep the prefecture's old code.
    region = county.former_code if birth.year < 1985 or index % 5 == 0 else county.code
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "id_number": first17 + check_character(first17),
        "phone": f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}",
        "home": {"county_code": county.code, "township": rng.choice(TOWNSHIPS),
                 "village": f"{rng.randrange(1, 12)}村"},
        "poor_household": rng.random() < 0.6,
        "skills": rng.sample(["缝纫", "电焊", "厨师", "装配", "叉车"], k=rng.randrange(0, 3)),
        "desired_jobs": rng.sample(["纺织工", "电子装配工", "食品加工工", "保安"], k=1),
        "education": rng.choice(["primary", "junior_secondary", "senior_secondary"]),
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True},
    }


def numbered_person(i: int) -> dict:
    """Registration data for the i-th of many distinct Tongwei people (benchmarks: valid, unique).
    """
    first17 = f"621121{dt.date(1966, 1, 1) + dt.timedelta(days=i % 13000):%Y%m%d}{i // 13000:03d}"
    return {"name": "张秀英", "id_number": first17 + check_character(first17), "phone": None,
            "home": {"county_code": "621121", "township": "平襄镇", "village": None},
            "poor_household": False, "skills": [], "desired_jobs": [], "education": None,
            "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}}
