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
