"""Region codes (GB/T 2260): the program's own regions, and the national table of all periods.

The national table is python-stdnum's ``cn/loc`` database, which lists every county code
that ever existed with its period. Only its *existence* answer is used here: stdnum's own
``cn.ric`` check ties a code to birth dates, and that rejects real people.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from stdnum import numdb


@dataclass(frozen=True)
class County:
    code: str
    name: str
    pinyin: str
    side: str  # "origin" | "destination"
    former_code: str | None = None
    workstation_hotline: str | None = None


@dataclass(frozen=True)
class RegionInfo:
    code: str
    province: str | None
    county: str | None  # name as the national table gives it, period stripped

    @property
    def is_known(self) -> bool:
        return self.county is not None


@functools.cache
def program_regions() -> dict:
    return json.loads(resources.files("server").joinpath("data/regions.json").read_text("utf-8"))


@functools.cache
def program_counties() -> dict[str, County]:
    """Every program county by its current code *and* by its pre-2003 code."""
    counties: dict[str, County] = {}
    for side in ("origin", "destination"):
        for item in program_regions()[side]["counties"]:
            county = County(
                code=item["code"], name=item["name"], pinyin=item["pinyin"], side=side,
                former_code=item.get("former_code"),
                workstation_hotline=item.get("workstation_hotline"),
            )
            counties[county.code] = county
            if county.former_code:
                counties[county.former_code] = county
    return counties


def find_county(code: str) -> County | None:
    """The program county a code (current or former) belongs to, or ``None``."""
    return program_counties().get(code)


# a few thousand codes exist; each look-up walks the table's tree
@functools.lru_cache(maxsize=8192)
def describe_region(code: str) -> RegionInfo:
    """Look a six-digit code up in the national table of all periods."""
    province = county = None
    for part, info in numdb.get("cn/loc").info(code):
        if "province" in info:
            province = info["province"]
        if "county" in info and len(part) == 4:
            county = info["county"].split("]")[-1]
    return RegionInfo(code, province, county)


def county_name(code: str) -> str:
    """A display name for a county code: the program's name, else the national one, else the code.
    """
    county = find_county(code)
    if county:
        return county.name
    return describe_region(code).county or code


@functools.cache
def consent_notice() -> dict:
    """The notice a worker reads before consenting: its version, in Chinese and English."""
    return json.loads(
        resources.files("server").joinpath("data/consent_notice.json").read_text("utf-8")
    )
