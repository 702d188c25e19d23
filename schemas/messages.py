"""Marshmallow's own messages in Chinese first, as every other message of the API is ("中文。
English."): the phones show the half in the user's language (pwa/app/i18n.js ``pick``), so an HR
clerk never meets "Missing data for required field." alone."""
from __future__ import annotations

import re

_FIXED = {
    "Missing data for required field.": "必填。",
    "Unknown field.": "不认识的字段：请删去。",
    "Field may not be null.": "必填，不能为空。",
    "Invalid input type.": "数据类型不对。",
    "Invalid value.": "值无效。",
    "Not a valid integer.": "须为整数。",
    "Not a valid number.": "须为数字。",
    "Not a valid string.": "须为文字。",
    "Not a valid boolean.": "须为是或否。",
    "Not a valid date.": "日期无效，格式如 2027-02-01。",
    "Not a valid datetime.": "时间无效，格式如 2027-02-01T08:30:00+08:00。",
    "Not a valid time.": "时刻无效，格式如 08:30。",
    "Not a valid list.": "须为列表。",
    "Not a valid mapping type.": "须为一组字段。",
    "Not a valid UUID.": "编号格式不对。",
    "Not a valid email address.": "电子邮箱格式不对。",
    "Not a valid URL.": "网址格式不对。",
    "String does not match expected pattern.": "格式不对。",
    "Not a valid aware datetime.": "时间须带时区，如 2027-02-01T08:30:00+08:00。",
    "Not a valid naive datetime.": "时间不应带时区。",
}
_PATTERNS = [
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     "须在 {0} 至 {1} 之间。"),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "不能小于 {0}。"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "不能大于 {0}。"),
    (re.compile(r"^Must be greater than (\S+)\.$"), "须大于 {0}。"),
    (re.compile(r"^Must be less than (\S+)\.$"), "须小于 {0}。"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度须在 {0} 至 {1} 之间。"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "至少 {0} 个。"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "最多 {0} 个。"),
    (re.compile(r"^Length must be (\d+)\.$"), "长度须为 {0}。"),
    (re.compile(r"^Must be one of: (.+)\.$"), "须为以下之一：{0}。"),
    (re.compile(r"^Must be equal to (.+)\.$"), "须为 {0}。"),
]
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def bilingual(message: str) -> str:
    """``message`` as "中文。 English." when it is one of marshmallow's; ours (Chinese already) as
    is."""
    if _CHINESE.search(message):
        return message
    if message in _FIXED:
        return f"{_FIXED[message]} {message}"
    for pattern, chinese in _PATTERNS:
        found = pattern.match(message)
        if found:
            return f"{chinese.format(*found.groups())} {message}"
    return message
