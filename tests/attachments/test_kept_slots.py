"""The plan's upload slots kept per process under the configuration version (issue 13: the
overview's slot query with three EXISTS probes a slot cost more to compile than to run). With
the shared cache on, the problems listed must be the same as read fresh, a changed slot must
count at once, and a file's state is always read live."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attachments import selectors
from declarations import services as declaration_services
from declarations.models import AttachmentSlot
from declarations.services import forget_kept_per_version
from tests.declarations.builders import fill_valid, upload_valid
from tests.shared_cache import kept_on


@pytest.fixture
def declaration(engineering_declaration, unit):
    return fill_valid(engineering_declaration, unit, files=False)


@pytest.fixture
def kept(settings):
    with kept_on(settings, "kept-slots"):
        yield


def messages_of(declaration):
    return [m["message"] for m in declaration_services.missing_items(declaration)]


def slot(declaration, code):
    return AttachmentSlot.objects.get(plan_section__plan=declaration.plan, code=code)


def test_kept_slots_list_the_same_problems_as_a_fresh_read(declaration, settings):
    fresh = messages_of(declaration)
    assert "请上传“身份信息”" in fresh
    settings.ACCESS_CACHE_TIMEOUT = 300
    forget_kept_per_version()
    assert messages_of(declaration) == fresh  # fills the kept slots
    assert messages_of(declaration) == fresh  # served from them


@pytest.mark.usefixtures("kept")
def test_a_slot_made_optional_counts_at_once(declaration):
    assert "请上传“身份信息”" in messages_of(declaration)
    identity = slot(declaration, "identity")
    identity.required = False
    identity.save()
    assert "请上传“身份信息”" not in messages_of(declaration)
    identity.name = "身份证正反面"
    identity.required = True
    identity.save()
    assert "请上传“身份证正反面”" in messages_of(declaration)


@pytest.mark.usefixtures("kept")
def test_an_uploaded_file_counts_at_once(declaration):
    assert "请上传“身份信息”" in messages_of(declaration)
    upload_valid(declaration, slot(declaration, "identity"))
    assert "请上传“身份信息”" not in messages_of(declaration)


@pytest.mark.usefixtures("kept")
def test_kept_slots_leave_one_query_for_the_files(declaration):
    sections = list(declaration.plan.sections.all())
    selectors.slot_problems(declaration, sections)
    with CaptureQueriesContext(connection) as captured:
        selectors.slot_problems(declaration, sections)
    slot_queries = [q["sql"] for q in captured if "attachment" in q["sql"].lower()]
    assert len(slot_queries) == 1, slot_queries
    assert "declarations_attachmentslot" not in slot_queries[0]
