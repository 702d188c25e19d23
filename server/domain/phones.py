"""Mainland China mobile numbers: 11 digits starting 13–19."""
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
