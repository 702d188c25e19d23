import io

import pytest
from openpyxl import Workbook

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
    rows = [["序号", "姓名", "身份证号码", "手机号", "乡 镇", "村", "是否建档立卡", "文化程度", "意向工种"],
            [1, "张秀英", "62112119850307123X", 13900000001, "平襄镇", "西关村", "是", "初中", "缝纫工、普工"],
            [None, None, None, None, None, None, None, None, None]]
    from_xlsx = read_table("名单.xlsx", xlsx(rows))
    csv_text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    from_csv = read_table("名单.CSV", csv_text.encode("gb18030"))
    assert from_xlsx == from_csv
    headings, data = from_xlsx
    assert len(data) == 1 and data[0][3] == "13900000001"  # a number cell reads as its digits
    mapping = suggest_mapping(headings)
    assert mapping == {"name": "姓名", "id_number": "身份证号码", "phone": "手机号", "township": "乡 镇", "village": "村",
                       "poor_household": "是否建档立卡", "desired_jobs": "意向工种", "education": "文化程度"}
    payload = registration_payload(dict(zip(headings, data[0], strict=True)), mapping,
                                   {"county_code": "621121", "consent": CONSENT})
    assert payload == {"name": "张秀英", "id_number": "62112119850307123X", "phone": "13900000001",
                       "home": {"county_code": "621121", "township": "平襄镇", "village": "西关村"},
                       "consent": CONSENT, "poor_household": True, "skills": [], "desired_jobs": ["缝纫工", "普工"],
                       "education": "junior_secondary"}


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
