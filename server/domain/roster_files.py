"""County offices' rosters as spreadsheets: reading XLSX and CSV into rows of text, guessing which
column is which, and turning a row into a registration. Pure functions of bytes and strings."""
from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import load_workbook

# Our field -> the headings county offices use for it (matched without spaces, case-insensitive).
HEADINGS = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "id_number"),
    "phone": ("手机号", "手机号码", "手机", "联系电话", "电话", "phone"),
    "county_code": ("户籍县代码", "县区代码", "县代码", "county_code"),
    "township": ("乡镇", "乡（镇）", "乡(镇)", "所在乡镇", "township"),
    "village": ("村", "行政村", "所在村", "village"),
    "poor_household": ("建档立卡贫困户", "是否建档立卡", "建档立卡", "贫困户", "poor_household"),
    "skills": ("技能", "技能特长", "skills"),
    "desired_jobs": ("意向工种", "求职意向", "desired_jobs"),
    "education": ("文化程度", "学历", "education"),
}
REQUIRED = ("name", "id_number")
EDUCATION = {"无": "none", "文盲": "none", "小学": "primary", "初中": "junior_secondary",
             "高中": "senior_secondary",
             "中专": "vocational", "职高": "vocational", "技校": "vocational", "大专": "college",
             "本科": "university"}
_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", ""}
_LIST = re.compile(r"[、,，;；/\s]+")


class UnreadableFile(ValueError):
    pass


MAX_ROWS = 100_000  # a county's whole roster is tens of thousands; more is a mistake or an attack
MAX_COLUMNS = 200
MAX_UNPACKED = 200 * 1024 * 1024  # what an .xlsx may unpack to: a zip bomb unpacks to gigabytes
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """The headings and the data rows (text; empty rows left out) of the first sheet or the CSV.
    What the bytes are decides, not the name alone: a clerk renames files."""
    if content.startswith(_OLE2):
        raise UnreadableFile("这是旧版 Excel（.xls）文件：请另存为 .xlsx 再导入。"
                             " This is an old Excel .xls file: save it as .xlsx and import that.")
    if filename.lower().endswith(".xlsx") or content.startswith(_ZIP):
        rows = _xlsx_rows(content)
    elif filename.lower().endswith(".csv"):
        rows = _csv_rows(_decode(content))
    else:
        raise UnreadableFile("只能导入 .xlsx 或 .csv 文件。 Only .xlsx and .csv files can be "
                             "imported.")
    rows = [[cell.strip() for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise UnreadableFile("文件是空的。 The file has no rows.")
    headings, data = rows[0], rows[1:]
    width = len(headings)
    return headings, [(row + [""] * width)[:width] for row in data]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    _refuse_zip_bomb(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            # formatted but empty rows (often to row 1048576) don't count
            if any(value is not None for value in row):
                rows.append([_cell_text(value) for value in row[:MAX_COLUMNS]])
                _refuse_too_many(rows)
        workbook.close()
    except UnreadableFile:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableFile("无法读取此 Excel 文件。 This is not a readable .xlsx "
                             "workbook.") from exc
    return rows


def _refuse_zip_bomb(content: bytes) -> None:
    """An .xlsx is a zip: refuse one that would unpack to more than ``MAX_UNPACKED`` before any
    of it is unpacked (zipfile stops at the sizes declared here, so they cannot lie)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFile("无法读取此 Excel 文件。 This is not a readable .xlsx "
                             "workbook.") from exc
    if unpacked > MAX_UNPACKED:
        raise UnreadableFile(f"此 Excel 文件解压后达 {unpacked // 2**20} MB，超过上限 "
                             f"{MAX_UNPACKED // 2**20} MB。"
                             f" This workbook unpacks to {unpacked // 2**20} MB, over the limit of"
                             f" {MAX_UNPACKED // 2**20} MB.")


def _csv_rows(text: str) -> list[list[str]]:
    """Comma-separated, or tab-separated as Excel's "Unicode text" saves it."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if any(row):
                rows.append(row[:MAX_COLUMNS])
                _refuse_too_many(rows)
    except csv.Error as exc:  # e.g. a field larger than the csv module's limit
        raise UnreadableFile(f"CSV 格式有误：{exc}。 The CSV is malformed: {exc}.") from exc
    return rows


def _refuse_too_many(rows: list) -> None:
    if len(rows) > MAX_ROWS + 1:
        raise UnreadableFile(f"超过 {MAX_ROWS} 行：请分成几个文件导入。 More than {MAX_ROWS} rows:"
                             " split the file.")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # an ID number typed as a number: its last digits may be lost already
        return str(int(value))
    return str(value)


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's "Unicode text"), else GB 18030:
    what Chinese Excel writes as "CSV". Bytes with NULs in them are no text file in any of those.
    """
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in content:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise UnreadableFile("无法识别文件编码（请用 UTF-8 或 GBK）。 Unknown text encoding: save as "
                         "UTF-8 or GBK.")


def suggest_mapping(headings: list[str]) -> dict[str, str]:
    """Our field -> the heading that looks like it."""
    normal = {re.sub(r"\s+", "", h).lower(): h for h in headings}
    mapping = {}
    for field, names in HEADINGS.items():
        for name in names:
            if name.lower() in normal:
                mapping[field] = normal[name.lower()]
                break
    return mapping


def registration_payload(row: dict[str, str], mapping: dict[str, str], defaults: dict) -> dict:
    """A row as the registration schema takes it; what cannot be understood is passed on as is, for
    the schema to name."""
    def cell(field: str) -> str:
        return row.get(mapping[field], "") if field in mapping else ""

    payload = {"name": cell("name"), "id_number": cell("id_number"),
               "phone": cell("phone") or None,
               "home": {"county_code": cell("county_code") or defaults.get("county_code") or "",
                        "township": cell("township") or None, "village": cell("village") or None},
               "consent": defaults["consent"]}
    payload["home"] = {k: v for k, v in payload["home"].items() if v is not None}
    flag = cell("poor_household").lower()
    if flag in _YES or flag in _NO:
        payload["poor_household"] = flag in _YES
    else:
        payload["poor_household"] = cell("poor_household")
    for field in ("skills", "desired_jobs"):
        payload[field] = [part for part in _LIST.split(cell(field)) if part]
    education = cell("education")
    payload["education"] = EDUCATION.get(education, education) or None
    return payload


def mask_id_text(text: str) -> str:
    """An ID number as typed, masked for a report: its region and last 4 only."""
    text = text.strip()
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}" if len(text) > 10 else "*" * len(text)
