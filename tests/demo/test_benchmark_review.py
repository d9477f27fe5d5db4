"""`manage.py benchmark_review` run small: it prints every figure, rolls everything back by
default, and with --keep leaves the reported batch at the supervising department."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from applicants.models import User
from declarations.models import Declaration, DeclarationEvent, DeclarationSection, Plan
from declarations.models import DeclarationStatus as S
from institutions.models import Organization, OrgKind, Region, RoutingPath
from review.models import PublicNotice, ReportBatch, Review, ReviewState

pytestmark = pytest.mark.django_db

MODELS = (
    Region,
    Organization,
    RoutingPath,
    User,
    Plan,
    Declaration,
    DeclarationSection,
    DeclarationEvent,
    Review,
    PublicNotice,
    ReportBatch,
)


def run(*args):
    out = StringIO()
    call_command("benchmark_review", *args, stdout=out)
    return out.getvalue()


def row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def queue_url_exists():
    try:
        reverse("review:queue")
    except NoReverseMatch:
        return False
    return True


def test_prints_the_figures_and_leaves_no_rows():
    before = row_counts()
    output = run("--declarations", "60", "--batch", "20")

    assert "60 份申报" in output
    assert "造数：60 名申报人" in output and "用时" in output
    assert "上报 report_declarations：20 份" in output and "查询" in output
    for line in (
        "队列第1页",
        "queue_counts",
        "姓名搜索",
        "身份证号搜索",
        "筛选页",
        "reportable_ids",
    ):
        assert line in output
    # Page 1 of 60 after reporting 20: the unit still lists all 60 (40 passed, 20 reported).
    assert "20 行 / 共 60" in output
    assert "passed=40 reported=20" in output
    assert "身份证号搜索" in output and "1 行 / 共 1" in output
    assert "tracemalloc 上报 20 份" in output and "maxrss" in output
    if queue_url_exists():
        assert "GET 第1页" in output and "HTTP 200" in output
    else:
        assert "跳过队列页面渲染" in output
    assert "已回滚" in output
    assert row_counts() == before


def test_keep_leaves_the_reported_batch_at_the_supervising_department():
    output = run("--declarations", "60", "--batch", "20", "--keep")

    assert "已保留数据" in output
    supervising = Organization.objects.get(kind=OrgKind.SUPERVISING, name__startswith="基准测试")
    unit = Organization.objects.get(kind=OrgKind.UNIT, name__startswith="基准测试")
    at_supervising = Declaration.objects.filter(holder=supervising)
    assert at_supervising.count() == 20
    assert set(at_supervising.values_list("status", flat=True)) == {S.UNDER_REVIEW}
    assert Review.objects.filter(organization=supervising, state=ReviewState.PENDING).count() == 20
    assert Declaration.objects.filter(holder=unit, status=S.PASSED).count() == 40
    [batch] = ReportBatch.objects.all()
    assert (batch.from_organization, batch.to_organization, batch.count) == (unit, supervising, 20)
    # The rolled-back memory pass left nothing of its second batch.
    assert DeclarationEvent.objects.filter(action="report").count() == 20
    # basic_info, declaration_info, education, titles, work_experience, performance (demo.bulk)
    assert DeclarationSection.objects.count() == 60 * 6


def test_two_kept_runs_do_not_collide():
    run("--declarations", "5", "--batch", "5", "--keep")
    output = run("--declarations", "5", "--batch", "5", "--keep")
    assert "990001" in output
    assert Declaration.objects.count() == 10
    # Only one batch per run, so the memory pass says it had nothing to report.
    assert "申报不足两批" in output


def test_arguments_are_checked():
    with pytest.raises(CommandError):
        run("--declarations", "0")
    with pytest.raises(CommandError):
        run("--batch", "0")
    # A batch larger than the run is the whole run.
    assert "上报 report_declarations：3 份" in run("--declarations", "3", "--batch", "10")
