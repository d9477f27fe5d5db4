"""Spreadsheet exports: the 公示表 of a notice and the 一览表 of a queue open with openpyxl, carry
the right headers and names, keep a Chinese filename, resolve catalog ids to names, and take
the same number of queries for 1 and for 30 declarations."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.utils import column_index_from_string

from declarations.models import DeclarationSection
from review import exports, services
from tests.review.builders import build_queue, notice

pytestmark = pytest.mark.django_db

SUMMARY = "/review/export/summary/"


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_url_names():
    assert reverse("review:notice_export", args=[3]) == "/review/notices/3/export/"
    assert reverse("review:summary_export") == SUMMARY


def test_notice_export_of_a_real_declaration(
    login, unit, unit_reviewer, submitted, engineering_plan
):
    """Data saved through the section forms (fill_valid) comes out with catalog names."""
    declaration = services.pass_declaration(actor=unit_reviewer, declaration=submitted)
    record = notice(unit_reviewer, unit, [declaration])
    response = login(unit_reviewer).get(f"/review/notices/{record.pk}/export/")
    filename = f"{unit.name}_2026年度工程技术中级_公示表_{record.starts_on:%Y%m%d}.xlsx"
    assert response["Content-Disposition"] == (f"attachment; filename*=utf-8''{quote(filename)}")
    book = workbook(response)
    sheet = book.active
    assert sheet.title == "公示表"
    rows = values(sheet)
    assert rows[0][0] == f"{unit.name} 专业技术职称申报人员公示表"
    assert rows[1][0] == f"申报计划：{engineering_plan}"
    assert rows[2][0].startswith(
        f"公示时间：{record.starts_on.isoformat()} 至 {record.ends_on.isoformat()}"
    )
    assert "公示方式：单位公告栏" in rows[2][0]
    assert rows[3] == exports.notice_headers()
    applicant = declaration.applicant
    assert rows[4] == [
        1,
        "张三",
        applicant.get_gender_display(),
        applicant.birth_date.strftime("%Y.%m"),
        unit.name,
        None,  # 现从事专业 is optional and was left blank
        "工程技术",
        "中级",
        "工程师",
        "正常晋升",
        "大学本科（学士）",
        rows[4][11],
    ]
    assert rows[4][11]  # 现专业技术职称 from the titles rows
    assert len(rows) == 5


def _export_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(context.captured_queries), content


def test_notice_export_query_count_and_rows(
    login, unit, unit_reviewer, engineering_plan, django_assert_max_num_queries
):
    one = build_queue(unit, engineering_plan, 1, state="passed", prefix="甲")
    many = build_queue(unit, engineering_plan, 30, state="passed", prefix="乙")
    small, big = notice(unit_reviewer, unit, one), notice(unit_reviewer, unit, many)
    client = login(unit_reviewer)
    n_one, _ = _export_queries(client, f"/review/notices/{small.pk}/export/")
    n_many, content = _export_queries(client, f"/review/notices/{big.pk}/export/")
    assert n_one == n_many
    with django_assert_max_num_queries(n_one):
        client.get(f"/review/notices/{big.pk}/export/")
    rows = values(openpyxl.load_workbook(io.BytesIO(content)).active)[4:]
    assert [r[0] for r in rows] == list(range(1, 31))
    assert [r[1] for r in rows] == [f"乙{n:03d}" for n in range(1, 31)]
    assert {r[8] for r in rows} == {"工程师"} and {r[9] for r in rows} == {"正常晋升"}
    assert {r[5] for r in rows} == {"电力工程"} and {r[11] for r in rows} == {"助理工程师"}
    print(f"公示表 export: {n_one} queries for 1 and 30 people")


def test_summary_export_follows_the_filters_across_pages(
    login, unit, unit_reviewer, engineering_plan, culture_plan
):
    build_queue(unit, engineering_plan, 25, prefix="工程")
    build_queue(unit, engineering_plan, 2, state="passed", prefix="通过")
    build_queue(unit, culture_plan, 3, prefix="文化")
    client = login(unit_reviewer)
    response = client.get(SUMMARY, {"series": engineering_plan.series_id, "state": "pending"})
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert quote(f"{unit.name}_职称申报一览表_") in disposition
    rows = values(workbook(response).active)
    assert rows[0][0] == f"{unit.name} 职称申报一览表"
    assert "工程技术" in rows[1][0] and "待审核" in rows[1][0] and "共25人" in rows[1][0]
    assert rows[2] == exports.summary_headers()
    people = rows[3:]
    assert len(people) == 25  # every page, not the first 20
    assert {p[1][:2] for p in people} == {"工程"}
    headers = exports.summary_headers()
    first = dict(zip(headers, people[0], strict=True))
    assert len(first["身份证号"]) == 18 and "*" not in first["身份证号"]
    assert first["状态"] == "待审核" and first["来自"] == "个人提交"
    assert first["申报单位"] == unit.name and first["申报年度"] == 2026
    assert first["收到时间"].startswith("20")
    # Bad filter values are ignored, as on the queue page.
    response = client.get(SUMMARY, {"series": "nope", "year": "x"})
    assert len(values(workbook(response).active)) == 3 + 30


def test_summary_export_query_count(
    login,
    supervising_department,
    department_reviewer,
    unit,
    engineering_plan,
    django_assert_max_num_queries,
):
    client = login(department_reviewer)
    build_queue(supervising_department, engineering_plan, 1, received_from=unit)
    n_one, _ = _export_queries(client, SUMMARY)
    build_queue(supervising_department, engineering_plan, 29, received_from=unit, prefix="批")
    n_many, content = _export_queries(client, SUMMARY)
    assert n_one == n_many
    with django_assert_max_num_queries(n_one + 1):  # + the series filter's validation
        client.get(SUMMARY, {"series": engineering_plan.series_id})
    rows = values(openpyxl.load_workbook(io.BytesIO(content)).active)[3:]
    assert len(rows) == 30 and {r[19] for r in rows} == {unit.name}
    print(f"一览表 export: {n_one} queries for 1 and 30 declarations")


def test_text_is_never_a_formula(login, unit, unit_reviewer, engineering_plan):
    [declaration] = build_queue(unit, engineering_plan, 1, state="passed")
    section = DeclarationSection.objects.get(declaration=declaration, code="declaration_info")
    section.data["work_unit"] = '=HYPERLINK("http://evil.example","点我")'
    section.save()
    record = notice(unit_reviewer, unit, [declaration])
    book = workbook(login(unit_reviewer).get(f"/review/notices/{record.pk}/export/"))
    cell = book.active.cell(row=5, column=5)
    assert cell.value == '=HYPERLINK("http://evil.example","点我")'
    assert cell.data_type == "s"


def test_exports_are_refused_outside_the_organization(
    login, unit, unit_reviewer, engineering_plan, applicant, outsider, department_reviewer
):
    ready = build_queue(unit, engineering_plan, 1, state="passed", prefix="本单位")
    record = notice(unit_reviewer, unit, ready)
    url = f"/review/notices/{record.pk}/export/"
    assert login(applicant).get(SUMMARY).status_code == 403
    assert login(applicant).get(url).status_code == 403
    assert login(department_reviewer).get(url).status_code == 403
    assert login(outsider).get(url).status_code == 404
    # Another organization's 一览表 holds only its own rows.
    rows = values(workbook(login(outsider).get(SUMMARY)).active)
    assert len(rows) == 3 and "共0人" in rows[1][0]


def test_exports_need_no_lazy_fetch(login, unit, unit_reviewer, engineering_plan, monkeypatch):
    """The exported declarations and queue rows are loaded with FETCH_RAISE: a related object
    reached without select_related raises instead of running a query per row."""
    from django.db.models import FETCH_RAISE

    from review import selectors

    ready = build_queue(unit, engineering_plan, 2, state="passed", received_from=unit)
    record = notice(unit_reviewer, unit, ready)
    queue, people = selectors.queue, selectors.notice_people
    monkeypatch.setattr(selectors, "queue", lambda *a, **k: queue(*a, **k).fetch_mode(FETCH_RAISE))
    monkeypatch.setattr(
        selectors, "notice_people", lambda *a, **k: people(*a, **k).fetch_mode(FETCH_RAISE)
    )
    client = login(unit_reviewer)
    assert len(values(workbook(client.get(SUMMARY)).active)) == 5
    assert len(values(workbook(client.get(f"/review/notices/{record.pk}/export/")).active)) == 6
    assert client.get(f"/review/notices/{record.pk}/").status_code == 200


def column_width(sheet, letter):
    """The width the file gives the column (one <col> element may cover several columns)."""
    index = column_index_from_string(letter)
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.min <= index <= dimension.max:
            return dimension.width
    return None


def test_display_width_counts_cjk_double():
    assert exports.display_width("工程师") == 6
    assert exports.display_width("A1-b") == 4
    assert exports.display_width("大学本科（学士）") == 16  # fullwidth brackets too
    assert exports.display_width(2026) == 4 and exports.display_width(None) == 0
    widths = exports.column_widths(["序号", "姓名", "工作单位"], [[1, "张三", "单" * 100]])
    assert widths == [exports.MIN_WIDTH, 6, exports.MAX_WIDTH]


def test_notice_export_title_spans_the_table_and_columns_fit(
    login, unit, unit_reviewer, engineering_plan
):
    ready = build_queue(unit, engineering_plan, 2, state="passed", prefix="宽")
    long_unit = "潍坊市新能源装备制造股份有限公司技术中心"  # 20 characters
    section = DeclarationSection.objects.get(declaration=ready[0], code="declaration_info")
    section.data["work_unit"] = long_unit
    section.save()
    record = notice(unit_reviewer, unit, ready)
    sheet = workbook(login(unit_reviewer).get(f"/review/notices/{record.pk}/export/")).active
    # The heading and the two lines under it span the 12 columns (A–L).
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A1:L1", "A2:L2", "A3:L3"]
    assert sheet["A1"].alignment.horizontal == "center"
    widths = {letter: column_width(sheet, letter) for letter in "ABCEIL"}
    assert widths["A"] == exports.MIN_WIDTH  # 序号: short header, short numbers
    assert widths["B"] == 7  # "宽001": 2 + 3, and a margin of 2
    assert widths["C"] == 6  # 性别: the header "性别" (4) is the widest
    assert widths["E"] == 42  # the long work unit: 20 CJK characters count 40
    assert widths["I"] == 22  # header 申报职称（资格名称）is wider than 工程师
    assert widths["L"] == 16  # 现专业技术职称 (7 characters) over 助理工程师


def test_summary_export_title_spans_the_table_and_columns_fit(
    login, unit, unit_reviewer, engineering_plan
):
    build_queue(unit, engineering_plan, 3, prefix="一览")
    sheet = workbook(login(unit_reviewer).get(SUMMARY)).active
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A1:V1", "A2:V2"]
    assert column_width(sheet, "C") == 20  # 18-character ID numbers
    assert column_width(sheet, "F") == exports.display_width(unit.name) + 2  # 工作单位
