"""Region codes (GB/T 2260): the program's own regions, and the national table of all periods.

The program — which prefectures send workers, their counties, the destination's districts — is
data an admin edits (``services.programme``); here it is a ``Programme`` value, and every rule
takes one. The national table is python-stdnum's ``cn/loc`` database, which lists every county
code that ever existed with its period. Only its *existence* answer is used here: stdnum's own
``cn.ric`` check ties a code to birth dates, and that rejects real people.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from stdnum import numdb

SIDES = ("origin", "destination")
_CODE = re.compile(r"[0-9]{6}")  # fullmatch: no trailing newline, no other digits


@dataclass(frozen=True)
class Prefecture:
    """A prefecture-level city of the program: one that sends workers, or the destination."""

    code: str
    name: str
    pinyin: str
    province: str
    side: str  # "origin" | "destination"


@dataclass(frozen=True)
class County:
    """A county or district of the program under its current code; ``former_code`` is its code of
    the earlier period, still on the ID numbers first issued then."""

    code: str
    name: str
    pinyin: str
    side: str
    prefecture_code: str
    former_code: str | None = None
    former_name: str | None = None


@dataclass(frozen=True)
class Programme:
    """The program's regions, in the order they are shown."""

    prefectures: tuple[Prefecture, ...]
    counties: tuple[County, ...]

    @functools.cached_property
    def _by_code(self) -> dict[str, County]:
        found = {county.code: county for county in self.counties}
        found |= {c.former_code: c for c in self.counties if c.former_code}
        return found

    def find_county(self, code: str | None) -> County | None:
        """The program county a code (current or former) belongs to, or ``None``."""
        return self._by_code.get(code) if code else None

    def side_of(self, side: str) -> tuple[County, ...]:
        return tuple(county for county in self.counties if county.side == side)

    def prefecture(self, code: str) -> Prefecture | None:
        return next((p for p in self.prefectures if p.code == code), None)

    def county_name(self, code: str | None) -> str | None:
        """A display name for a county code: the program's name, else the national one, else the
        code (``None`` for none)."""
        if not code:
            return None
        county = self.find_county(code)
        if county:
            return county.name
        return describe_region(code).county or code


@dataclass(frozen=True)
class RegionInfo:
    code: str
    province: str | None
    county: str | None  # name as the national table gives it, period stripped

    @property
    def is_known(self) -> bool:
        return self.county is not None


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


def prefecture_problems(programme: Programme, new: Prefecture) -> dict[str, str]:
    """Why ``new`` cannot join the program, by field (empty: it can)."""
    problems = {}
    if not _CODE.fullmatch(new.code) or not new.code.endswith("00") or new.code.endswith("0000"):
        problems["code"] = ("地级代码为六位、以00结尾（如 640400）。"
                            " A prefecture's code has six digits ending in 00 (e.g. 640400).")
    elif describe_region(new.code).province is None:
        problems["code"] = f"{new.code} 不在全国行政区划表中。 {new.code} is in no province."
    elif programme.prefecture(new.code):
        problems["code"] = f"{new.code} 已在本项目中。 {new.code} is in the program already."
    if new.side not in SIDES:
        problems["side"] = "输出地或输入地。 origin or destination."
    elif new.side == "destination" and any(p.side == "destination" for p in programme.prefectures):
        problems["side"] = "本项目只有一个输入城市。 The program has one destination city."
    return problems


def county_problems(programme: Programme, new: County) -> dict[str, str]:
    """Why ``new`` cannot join the program under its prefecture, by field (empty: it can). Its
    code must be of that prefecture and of the national table; a former code (origin counties:
    older ID numbers carry it) of the table too; no code may be another county's."""
    problems = {}
    prefecture = programme.prefecture(new.prefecture_code)
    if prefecture is None:
        problems["prefecture_code"] = "请先添加该地级市。 Add the prefecture first."
    if not _CODE.fullmatch(new.code) or new.code.endswith("00"):
        problems["code"] = "县级代码为六位（如 640402）。 A county's code has six digits (640402)."
    elif prefecture and new.code[:4] != prefecture.code[:4]:
        problems["code"] = (f"{new.code} 不属于{prefecture.name}（{prefecture.code}）。"
                            f" {new.code} is not of {prefecture.code}.")
    elif not describe_region(new.code).is_known:
        problems["code"] = (f"{new.code} 不在全国行政区划表中。"
                            f" {new.code} is not in the national table.")
    elif programme.find_county(new.code):
        problems["code"] = f"{new.code} 已在本项目中。 {new.code} is in the program already."
    if new.former_code:
        if (not _CODE.fullmatch(new.former_code) or new.former_code.endswith("00")
                or new.former_code[:2] != new.code[:2]
                or not describe_region(new.former_code).is_known):
            problems["former_code"] = (f"{new.former_code} 不在全国行政区划表中。"
                                       f" {new.former_code} is not in the national table.")
        elif new.former_code == new.code or programme.find_county(new.former_code):
            problems["former_code"] = (f"{new.former_code} 已是另一县的代码。"
                                       f" {new.former_code} is another county's code.")
    return problems


def shipped_programme() -> dict:
    """The program as shipped (``server/data/regions.json``): what ``laborpass init-db`` puts into
    an empty database."""
    return json.loads(resources.files("server").joinpath("data/regions.json").read_text("utf-8"))


def programme_of(data: dict) -> Programme:
    """A ``Programme`` from data shaped as ``shipped_programme``'s."""
    prefectures, counties = [], []
    for item in data["prefectures"]:
        prefectures.append(Prefecture(item["code"], item["name"], item["pinyin"], item["province"],
                                      item["side"]))
        counties += [County(c["code"], c["name"], c["pinyin"], item["side"], item["code"],
                            c.get("former_code"), c.get("former_name"))
                     for c in item["counties"]]
    return Programme(tuple(prefectures), tuple(counties))


@functools.cache
def consent_notice() -> dict:
    """The notice a worker reads before consenting: its version, in Chinese and English."""
    return json.loads(
        resources.files("server").joinpath("data/consent_notice.json").read_text("utf-8")
    )
