import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from server.domain import roster_files
from server.domain.roster_files import (
    UnreadableFile,
    mask_id_text,
    read_table,
    registration_payload,
    suggest_mapping,
)

CONSENT = {"notice_version": "2026-1", "channel": "paper", "agreed": True}


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_and_gbk_csv_read_the_same_and_headings_are_recognised():
    rows = [["序号", "姓名", "身份证号码", "手机号", "乡 镇", "村", "是否建档立卡", "文化程度",
             "意向工种"],
            [1, "张秀英", "62112119850307123X", 13900000001, "平襄镇", "西关村", "是", "初中",
             "缝纫工、普工"],
            [None, None, None, None, None, None, None, None, None]]
    from_xlsx = read_table("名单.xlsx", xlsx(rows))
    csv_text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    from_csv = read_table("名单.CSV", csv_text.encode("gb18030"))
    assert from_xlsx == from_csv
    headings, data = from_xlsx
    assert len(data) == 1 and data[0][3] == "13900000001"  # a number cell reads as its digits
    mapping = suggest_mapping(headings)
    assert mapping == {"name": "姓名", "id_number": "身份证号码", "phone": "手机号",
                       "township": "乡 镇", "village": "村",
                       "poor_household": "是否建档立卡", "desired_jobs": "意向工种",
                       "education": "文化程度"}
    payload = registration_payload(dict(zip(headings, data[0], strict=True)), mapping,
                                   {"county_code": "621121", "consent": CONSENT})
    assert payload == {"name": "张秀英", "id_number": "62112119850307123X", "phone": "13900000001",
                       "home": {"county_code": "621121", "township": "平襄镇",
                                "village": "西关村"},
                       "consent": CONSENT, "poor_household": True, "skills": [],
                       "desired_jobs": ["缝纫工", "普工"], "education": "junior_secondary"}


def test_what_cannot_be_read_says_so():
    with pytest.raises(UnreadableFile):
        read_table("名单.xls", b"old excel")
    with pytest.raises(UnreadableFile):
        read_table("名单.xlsx", b"not a zip")
    with pytest.raises(UnreadableFile):
        read_table("空.csv", b"\n\n")


def test_a_report_masks_the_id_number_as_typed():
    assert mask_id_text("62112119850307123X") == "621121********123X"
    assert mask_id_text("1234") == "****"


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    """A workbook whose sheet unpacks to 300 MB (of zeros: 300 KB packed) is refused from the zip's
    directory; the memory used stays a small multiple of the packed file."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(300):
                sheet.write(b"\0" * 2**20)
    content = packed.getvalue()
    assert len(content) < 2**20
    tracemalloc.start()
    with pytest.raises(UnreadableFile, match="unpacks to 300 MB"):
        read_table("名单.xlsx", content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10 * 2**20


def test_files_in_the_wrong_shape_or_encoding_are_read_or_named():
    rows = [["姓名", "身份证号码"], ["张秀英", "62112119850307123X"]]
    expected = read_table("名单.xlsx", xlsx(rows))
    # Excel's "Unicode text": UTF-16, tabs
    unicode_text = "\r\n".join("\t".join(row) for row in rows)
    assert read_table("名单.csv", b"\xff\xfe" + unicode_text.encode("utf-16-le")) == expected
    assert read_table("名单.csv", xlsx(rows)) == expected  # a workbook saved with the wrong name
    with pytest.raises(UnreadableFile, match="old Excel .xls"):
        read_table("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    with pytest.raises(UnreadableFile, match="Unknown text encoding"):
        # UTF-16 without its mark: NULs
        read_table("名单.csv", "姓名,身份证号码,ID\n".encode("utf-16-le"))
    with pytest.raises(UnreadableFile, match="Unknown text encoding"):
        read_table("照片.csv", bytes(range(256)) * 4)


def test_more_rows_than_a_county_has_are_refused(monkeypatch):
    monkeypatch.setattr(roster_files, "MAX_ROWS", 50)
    many = "\n".join(["姓名,身份证号码"] + [f"人{n},62112119850307123X" for n in range(51)])
    with pytest.raises(UnreadableFile, match="More than 50 rows"):
        read_table("名单.csv", many.encode())
    with pytest.raises(UnreadableFile, match="More than 50 rows"):
        read_table("名单.xlsx", xlsx([line.split(",") for line in many.split("\n")]))
    assert len(read_table("名单.csv", "\n".join(many.split("\n")[:51]).encode())[1]) == 50
