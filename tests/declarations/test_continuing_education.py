"""继续教育: CSV import (all or nothing), the administrator's page and the read-only summary."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations import continuing_education as ce
from declarations.models import ContinuingEducationRecord
from tests import factories

IMPORT_URL = reverse("declarations:ce_import")
OTHER_ID = factories.resident_id(901, region="371002", birth="19900101")


def csv_of(*lines, header=True):
    head = ["证件号码,年度,类型,学时"] if header else []
    return "\n".join(head + list(lines)) + "\n"


def hours_of(id_number):
    return {
        (r.year, r.kind): r.hours
        for r in ContinuingEducationRecord.objects.filter(id_number=id_number)
    }


# --- import_records -------------------------------------------------------------------------


def test_import_creates_records_with_chinese_or_english_types(administrator):
    result = ce.import_records(
        csv_of(
            f"{OTHER_ID},2025,公需,30",
            f"{OTHER_ID},2025,专业科目,60.5",
            f"{OTHER_ID.lower()},2024年,public,24",
            "E12345678,2024,Professional,12",
        ),
        actor=administrator,
    )
    assert (result.created, result.updated) == (4, 0)
    assert hours_of(OTHER_ID) == {
        (2025, "public"): Decimal("30.0"),
        (2025, "professional"): Decimal("60.5"),
        (2024, "public"): Decimal("24.0"),
    }
    assert hours_of("E12345678") == {(2024, "professional"): Decimal("12.0")}


def test_a_header_row_is_optional(administrator):
    result = ce.import_records(csv_of(f"{OTHER_ID},2025,公需,30", header=False), actor=None)
    assert result.created == 1


def test_import_upserts_on_id_year_and_type(administrator):
    ce.import_records(csv_of(f"{OTHER_ID},2025,公需,30", f"{OTHER_ID},2025,专业,40"), actor=None)
    result = ce.import_records(
        csv_of(f"{OTHER_ID},2025,专业,60", f"{OTHER_ID},2024,专业,50"), actor=administrator
    )
    assert (result.created, result.updated) == (1, 1)
    assert ContinuingEducationRecord.objects.count() == 3
    assert hours_of(OTHER_ID)[(2025, "professional")] == Decimal("60.0")
    assert hours_of(OTHER_ID)[(2025, "public")] == Decimal("30.0")


def test_a_bad_row_refuses_the_whole_file(administrator):
    ce.import_records(csv_of(f"{OTHER_ID},2025,公需,30"), actor=None)
    with pytest.raises(ValidationError) as caught:
        ce.import_records(
            csv_of(
                f"{OTHER_ID},2025,公需,99",  # would update
                f"{OTHER_ID},2024,专业,60",  # would create
                f"{OTHER_ID},2023,选修,10",  # line 4: bad type
            ),
            actor=administrator,
        )
    messages = caught.value.messages
    assert "文件有1处错误，全部未导入" in messages[0]
    assert messages[1].startswith("第4行：") and "选修" in messages[1]
    assert hours_of(OTHER_ID) == {(2025, "public"): Decimal("30.0")}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (f"{OTHER_ID[:-1]}{'0' if OTHER_ID[-1] != '0' else '1'},2025,公需,30", "校验位不正确"),
        ("37070219850315001,2025,公需,30", "应为18位，当前为17位"),
        ("E1234/567,2025,公需,30", "既不是18位居民身份证号码"),
        ("E-1234,2025,公需,30", "护照号码"),
        (",2025,公需,30", "证件号码为空"),
        (f"{OTHER_ID},1999,公需,30", "不在2000至"),
        (f"{OTHER_ID},{timezone.localdate().year + 1},公需,30", "不在2000至"),
        (f"{OTHER_ID},二〇二五,公需,30", "应为4位数字"),
        (f"{OTHER_ID},2025,选修,30", "应为“公需”或“专业”"),
        (f"{OTHER_ID},2025,公需,0", "学时应大于0"),
        (f"{OTHER_ID},2025,公需,-8", "学时应大于0"),
        (f"{OTHER_ID},2025,公需,三十", "不是数字"),
        (f"{OTHER_ID},2025,公需,12.25", "最多保留1位小数"),
        (f"{OTHER_ID},2025,公需", "应有4列"),
        (f"{OTHER_ID},2025,公需,30,备注", "应有4列"),
    ],
)
def test_each_bad_row_gets_a_line_numbered_message(administrator, line, message):
    with pytest.raises(ValidationError) as caught:
        ce.import_records(csv_of("E12345678,2025,公需,30", line), actor=administrator)
    text = " ".join(caught.value.messages)
    assert "第3行：" in text and message in text, text
    assert not ContinuingEducationRecord.objects.exists()


def test_every_bad_line_is_reported_at_once(administrator):
    with pytest.raises(ValidationError) as caught:
        ce.import_records(
            csv_of(f"{OTHER_ID},1999,选修,0", "E12345678,2025,公需,30", "bad,2025,公需,1"),
            actor=administrator,
        )
    messages = caught.value.messages
    assert "文件有2处错误" in messages[0]
    assert messages[1].startswith("第2行：")
    assert "不在2000至" in messages[1] and "选修" in messages[1] and "大于0" in messages[1]
    assert messages[2].startswith("第4行：")


def test_duplicate_rows_in_one_file_are_refused(administrator):
    with pytest.raises(ValidationError, match="第3行：与第2行重复"):
        ce.import_records(
            csv_of(f"{OTHER_ID},2025,公需,30", f"{OTHER_ID.lower()},2025,公需科目,20"),
            actor=administrator,
        )
    assert not ContinuingEducationRecord.objects.exists()


def test_an_empty_file_is_refused(administrator):
    with pytest.raises(ValidationError, match="没有数据行"):
        ce.import_records(csv_of(), actor=administrator)


def test_only_administrators_may_import(applicant, unit_reviewer):
    for user in (applicant, unit_reviewer):
        with pytest.raises(PermissionDenied):
            ce.import_records(csv_of(f"{OTHER_ID},2025,公需,30"), actor=user)
    assert not ContinuingEducationRecord.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_utf8_with_or_without_bom_and_gbk_are_read(encoding):
    text = csv_of(f"{OTHER_ID},2025,公需,30")
    assert ce.decode_csv_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"PK\x03\x04\x00\x00", "另存为CSV"), (b"\xff\xfe\xfd\xfc", "无法识别文件编码")],
)
def test_binary_or_unknown_encodings_are_refused(content, message):
    with pytest.raises(ValidationError, match=message):
        ce.decode_csv_bytes(content)


# --- management command ---------------------------------------------------------------------


def test_command_imports_a_gbk_file(db, tmp_path, capsys):
    path = tmp_path / "hours.csv"
    path.write_bytes(csv_of(f"{OTHER_ID},2025,公需,30", f"{OTHER_ID},2025,专业,60").encode("gbk"))
    call_command("import_continuing_education", str(path))
    assert "新增2条" in capsys.readouterr().out
    assert len(hours_of(OTHER_ID)) == 2


def test_command_refuses_a_bad_file_and_saves_nothing(db, tmp_path):
    path = tmp_path / "hours.csv"
    path.write_text(csv_of(f"{OTHER_ID},2025,公需,30", f"{OTHER_ID},2025,公需,x"), "utf-8")
    with pytest.raises(CommandError, match="第3行"):
        call_command("import_continuing_education", str(path))
    assert not ContinuingEducationRecord.objects.exists()
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_continuing_education", str(tmp_path / "missing.csv"))


# --- administrator's page -------------------------------------------------------------------


def upload(text_or_bytes, name="hours.csv", encoding="utf-8"):
    content = text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode(encoding)
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_import_page_is_for_administrators_only(client, login, applicant, unit_reviewer):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "login" in response.url
    for user in (applicant, unit_reviewer):
        login(user)
        assert client.get(IMPORT_URL).status_code == 403
        response = client.post(IMPORT_URL, {"file": upload(csv_of(f"{OTHER_ID},2025,公需,30"))})
        assert response.status_code == 403
    assert not ContinuingEducationRecord.objects.exists()


def test_administrator_imports_a_file_with_bom(login, administrator):
    client = login(administrator)
    assert client.get(IMPORT_URL).status_code == 200
    text = csv_of(f"{OTHER_ID},2025,公需,30", f"{OTHER_ID},2025,专业,60")
    response = client.post(IMPORT_URL, {"file": upload(text, encoding="utf-8-sig")}, follow=True)
    assert "已导入2条：新增2条，更新0条" in response.content.decode()
    assert len(hours_of(OTHER_ID)) == 2


def test_administrator_sees_line_messages_and_nothing_is_saved(login, administrator):
    client = login(administrator)
    text = csv_of(f"{OTHER_ID},2025,公需,30", f"{OTHER_ID},2025,公需课,30")
    response = client.post(IMPORT_URL, {"file": upload(text, encoding="gbk")})
    page = response.content.decode()
    assert response.status_code == 200
    assert "全部未导入" in page and "第3行" in page and "公需课" in page
    assert not ContinuingEducationRecord.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("hours.xlsx", b"PK\x03\x04"), "扩展名为.csv"),
        (SimpleUploadedFile("hours.csv", b"a" * (2 * 1024 * 1024 + 1)), "不能超过2MB"),
        (SimpleUploadedFile("hours.csv", b"\xff\xfe\xfd\xfc"), "无法识别文件编码"),
        (SimpleUploadedFile("hours.csv", b"\x00\x01"), "另存为CSV"),
    ],
)
def test_administrator_bad_files_are_refused_with_a_message(login, administrator, file, message):
    client = login(administrator)
    response = client.post(IMPORT_URL, {"file": file})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContinuingEducationRecord.objects.exists()


def test_a_file_of_exactly_2mb_is_accepted(login, administrator):
    line = f"{OTHER_ID},2025,公需,30\n"
    content = line.encode() + b"\n" * (2 * 1024 * 1024 - len(line.encode()))
    client = login(administrator)
    response = client.post(IMPORT_URL, {"file": upload(content)}, follow=True)
    assert "已导入1条" in response.content.decode()


# --- summary and the applicant's page -------------------------------------------------------


def record(id_number, year, kind, hours):
    ContinuingEducationRecord.objects.create(
        id_number=id_number, year=year, kind=kind, hours=Decimal(hours)
    )


def test_summary_counts_hours_per_year_against_the_requirement(engineering_declaration):
    plan = engineering_declaration.plan
    assert (plan.year, plan.ce_years, plan.ce_hours_required) == (2026, 5, 90)
    me = engineering_declaration.applicant.id_number
    record(me, 2025, "public", "30")
    record(me, 2025, "professional", "60")  # exactly 90: met
    record(me, 2024, "public", "30")
    record(me, 2024, "professional", "59.5")  # 89.5: short
    record(me, 2023, "professional", "120")  # professional only: met
    record(me, 2020, "professional", "200")  # before the window: ignored
    record(OTHER_ID, 2022, "professional", "200")  # someone else: ignored
    summary = ce.summary_for(engineering_declaration)
    assert [y.year for y in summary.years] == [2021, 2022, 2023, 2024, 2025]
    by_year = {y.year: y for y in summary.years}
    assert (by_year[2025].public, by_year[2025].professional) == (Decimal("30"), Decimal("60"))
    assert by_year[2025].total == Decimal("90") and by_year[2025].meets
    assert by_year[2024].total == Decimal("89.5") and not by_year[2024].meets
    assert by_year[2023].meets
    assert by_year[2022].total == 0 and not by_year[2022].meets
    assert summary.short_years == [2021, 2022, 2024]
    assert not summary.all_met


def test_no_requirement_means_every_year_is_met(engineering_declaration):
    plan = engineering_declaration.plan
    plan.ce_hours_required = 0
    plan.ce_years = 3
    plan.save()
    summary = ce.summary_for(engineering_declaration)
    assert [y.year for y in summary.years] == [2023, 2024, 2025]
    assert summary.all_met


def test_page_shows_the_read_only_table(login, engineering_declaration):
    me = engineering_declaration.applicant.id_number
    record(me, 2025, "public", "30")
    record(me, 2025, "professional", "60")
    record(me, 2024, "public", "30")
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:continuing_education", args=[engineering_declaration.pk])
    page = client.get(url).content.decode()
    assert page.count('data-testid="ce-year"') == 5
    assert "90.0" in page and "达到" in page and "未达到（需 90 学时）" in page
    assert "2021、2022、2023、2024 年度未达到要求" in page
    assert "<input" not in page.split("<main")[1].split("</main>")[0]
    overview = client.get(reverse("declarations:overview", args=[engineering_declaration.pk]))
    assert url in overview.content.decode()
    generic = reverse(
        "declarations:section", args=[engineering_declaration.pk, "continuing_education"]
    )
    assert client.get(generic).url == url


def test_page_is_only_for_the_owner_and_an_enabled_section(login, engineering_declaration):
    url = reverse("declarations:continuing_education", args=[engineering_declaration.pk])
    assert login(factories.ApplicantFactory()).get(url).status_code == 404
    client = login(engineering_declaration.applicant)
    engineering_declaration.plan.sections.filter(code="continuing_education").update(enabled=False)
    assert client.get(url).status_code == 404


def test_page_queries_do_not_grow_with_years_of_records(
    login, engineering_declaration, django_assert_max_num_queries
):
    me = engineering_declaration.applicant.id_number
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:continuing_education", args=[engineering_declaration.pk])
    record(me, 2025, "public", "30")
    with CaptureQueriesContext(connection) as one_year:
        assert client.get(url).status_code == 200
    assert len(one_year) <= 8
    for year in range(2021, 2025):
        record(me, year, "public", "30")
        record(me, year, "professional", "60")
    with django_assert_max_num_queries(len(one_year)):
        page = client.get(url).content.decode()
    assert page.count("badge bg-success") == 4


def test_administrator_navigation_links_to_the_import_page(login, administrator):
    page = login(administrator).get(reverse("institutions:admin_home")).content.decode()
    assert reverse("declarations:ce_import") in page and "导入继续教育学时" in page
