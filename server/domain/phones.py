"""Mainland China phone numbers: mobiles (11 digits starting 13–19) and the lines a worker calls.
"""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only: \d takes Arabic-Indic, Devanagari…


class PhoneError(ValueError):
    code = "phone_invalid"


def parse_mobile(text: str) -> str:
    """Return the 11-digit number; ``+86``/``0086`` prefixes, spaces and dashes removed."""
    number = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", text))
    number = re.sub(r"^(\+86|0086)", "", number)
    if not _MOBILE.fullmatch(number):
        raise PhoneError(
            "手机号应为11位、以13–19开头的大陆手机号。"
            " A mainland mobile number has 11 digits and starts with 13–19."
        )
    return number


def mask_mobile(number: str) -> str:
    return number[:3] + "****" + number[-4:]


# A workstation's number: often a landline in the destination city (0591-87654321): an area code
# (010 and 02x have three digits, the others four) and a local number of 7 or 8 digits that starts
# with neither 0 nor 1. Also a mobile, a company line (400/800 and 7 digits) or a public service
# line (12333, 12345).
_AREA_3 = re.compile(r"0(10|2[0-9])")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
_SERVICE = re.compile(r"(400|800)[0-9]{7}|12[0-9]{3}")


def parse_hotline(text: str) -> str:
    """A number a worker can call, normalised: ``0591-87654321``, ``13912345678``, ``4001234567``
    or ``12333``. Spaces, dashes, brackets and a ``+86`` prefix (which drops the area code's 0) are
    taken off; raises ``PhoneError`` otherwise."""
    number = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text))
    if re.match(r"^(\+86|0086)", number):
        number = re.sub(r"^(\+86|0086)", "", number)
        number = number if number.startswith("1") else "0" + number
    if _MOBILE.fullmatch(number) or _SERVICE.fullmatch(number):
        return number
    if re.match(r"0[1-9]", number):
        area = 3 if _AREA_3.match(number) else 4
        if _LOCAL.fullmatch(number[area:]):
            return f"{number[:area]}-{number[area:]}"
    raise PhoneError(
        "电话应为带区号的座机（如 0591-87654321）、11位手机号或 12333 这样的服务热线。"
        " Give a landline with its area code (e.g. 0591-87654321), an 11-digit mobile or a "
        "service line such as 12333."
    )
