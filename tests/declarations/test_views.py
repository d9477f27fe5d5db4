"""The applicant's pages: new declaration, overview, section pages, submit and withdraw."""

from django.urls import reverse

from declarations.models import Declaration, DeclarationSection
from tests import factories


def test_index_lists_open_plans_and_creates_a_declaration(login, committed_applicant, plans):
    client = login(committed_applicant)
    page = client.get(reverse("declarations:index")).content.decode()
    assert "2026年度 工程技术 中级" in page and "2026年度 群众文化 初级" in page
    engineering = plans[0]
    response = client.post(reverse("declarations:create", args=[engineering.pk]))
    declaration = Declaration.objects.get(applicant=committed_applicant)
    assert response.url == reverse("declarations:overview", args=[declaration.pk])
    overview = client.get(response.url).content.decode()
    assert "基本信息" in overview and "尚未填写并保存" in overview


def test_second_plan_of_same_series_refused_with_message(
    login, committed_applicant, plans, regions
):
    client = login(committed_applicant)
    engineering = plans[0]
    client.post(reverse("declarations:create", args=[engineering.pk]))
    engineering.pk = None
    engineering.region = regions["371000"]
    engineering.save()
    response = client.post(reverse("declarations:create", args=[engineering.pk]), follow=True)
    assert "同一年度同一系列只能有一个有效申报" in response.content.decode()
    assert Declaration.objects.filter(applicant=committed_applicant).count() == 1


def test_section_saves_and_bad_input_keeps_what_was_typed(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, "societies"])
    response = client.post(url, {"societies-text": "会" * 51})
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能超过50个字" in page and "会" * 51 in page
    assert not DeclarationSection.objects.exists()
    response = client.post(url, {"societies-text": "中国机械工程学会会员"})
    assert response.status_code == 302
    assert DeclarationSection.objects.get(code="societies").data == {"text": "中国机械工程学会会员"}
    assert "中国机械工程学会会员" in client.get(url).content.decode()


def test_add_row_keeps_typed_rows(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, "assessments"])
    response = client.post(
        url,
        {
            "assessments-TOTAL_FORMS": "1",
            "assessments-INITIAL_FORMS": "0",
            "assessments-0-year": "2025",
            "assessments-0-post": "工程师",
            "assessments-0-grade": "优秀",
            "assessments-0-assessor": "本单位",
            "add_row": "1",
        },
    )
    page = response.content.decode()
    assert 'name="assessments-1-year"' in page and 'value="2025"' in page
    assert not DeclarationSection.objects.exists()


def test_another_applicant_cannot_see_or_edit(login, engineering_declaration):
    stranger = factories.ApplicantFactory()
    client = login(stranger)
    pk = engineering_declaration.pk
    assert client.get(reverse("declarations:overview", args=[pk])).status_code == 404
    response = client.post(
        reverse("declarations:section", args=[pk, "societies"]), {"societies-text": "无"}
    )
    assert response.status_code == 404
    assert not DeclarationSection.objects.exists()


def test_organization_account_gets_403(login, unit_reviewer, engineering_declaration):
    client = login(unit_reviewer)
    url = reverse("declarations:overview", args=[engineering_declaration.pk])
    assert client.get(url).status_code == 403


def test_editing_after_submission_is_refused_in_the_view(login, engineering_declaration):
    Declaration.objects.filter(pk=engineering_declaration.pk).update(status="submitted")
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, "societies"])
    response = client.post(url, {"societies-text": "无"}, follow=True)
    assert "不能修改" in response.content.decode()
    assert not DeclarationSection.objects.exists()


def test_submit_button_refuses_an_incomplete_declaration(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    response = client.post(
        reverse("declarations:submit", args=[engineering_declaration.pk]), follow=True
    )
    assert "未完成" in response.content.decode()
    engineering_declaration.refresh_from_db()
    assert engineering_declaration.status == "draft"


def test_saved_rows_survive_a_second_save_and_can_be_deleted(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, "assessments"])
    row = {"post": "工程师", "grade": "优秀", "assessor": "本单位"}
    client.post(
        url,
        {
            "assessments-TOTAL_FORMS": "2",
            "assessments-INITIAL_FORMS": "0",
            **{f"assessments-0-{k}": v for k, v in {**row, "year": "2024"}.items()},
            **{f"assessments-1-{k}": v for k, v in {**row, "year": "2025"}.items()},
        },
    )
    saved = DeclarationSection.objects.get(code="assessments").data["rows"]
    assert [r["year"] for r in saved] == [2024, 2025]
    # The page shows the saved rows; posting them back unchanged keeps both.
    page = client.get(url).content.decode()
    assert 'name="assessments-INITIAL_FORMS" value="2"' in page
    data = {
        "assessments-TOTAL_FORMS": "2",
        "assessments-INITIAL_FORMS": "2",
        **{f"assessments-0-{k}": v for k, v in {**row, "year": "2024"}.items()},
        **{f"assessments-1-{k}": v for k, v in {**row, "year": "2025"}.items()},
    }
    client.post(url, data)
    assert len(DeclarationSection.objects.get(code="assessments").data["rows"]) == 2
    client.post(url, {**data, "assessments-0-DELETE": "on"})
    saved = DeclarationSection.objects.get(code="assessments").data["rows"]
    assert [r["year"] for r in saved] == [2025]


def test_remove_row_hides_it_and_the_next_save_drops_it(login, engineering_declaration):
    client = login(engineering_declaration.applicant)
    url = reverse("declarations:section", args=[engineering_declaration.pk, "assessments"])
    row = {"post": "工程师", "grade": "优秀", "assessor": "本单位"}
    data = {
        "assessments-TOTAL_FORMS": "2",
        "assessments-INITIAL_FORMS": "0",
        **{f"assessments-0-{k}": v for k, v in {**row, "year": "2024"}.items()},
        **{f"assessments-1-{k}": v for k, v in {**row, "year": "2025"}.items()},
    }
    response = client.post(url, {**data, "remove_row": "0"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert not DeclarationSection.objects.exists()  # nothing saved by removing a row
    assert page.count('data-testid="row"') == 2 and page.count("d-none") >= 1
    assert 'name="assessments-0-DELETE" value="on"' in page
    client.post(url, {**data, "assessments-0-DELETE": "on"})
    saved = DeclarationSection.objects.get(code="assessments").data["rows"]
    assert [r["year"] for r in saved] == [2025]
