"""Fixtures of the documents tests: a complete engineering declaration submitted to the unit
along effective paths up to the committee, renders run as the worker would after commit, and
readers of the PDFs (pypdf)."""

import io

import pytest
from pypdf import PdfReader

from declarations.services import submit_declaration
from demo import people
from documents.models import DocumentKind, GeneratedDocument
from review import services as review_services
from tests.declarations.builders import fill_valid
from tests.review.builders import notice


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test's files in a directory of its own (the files a render leaves can be counted)."""
    media = tmp_path / "private"
    media.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    return media


@pytest.fixture
def chain(unit, supervising_department, reporting_department, engineering_committee, administrator):
    """Effective engineering 中级 paths: unit → supervising → reporting → committee."""
    series, level = engineering_committee.series, engineering_committee.level
    return [
        people.effective_path(unit, series, level, applied_by=administrator, **destination)
        for unit, destination in (
            (unit, {"target": supervising_department}),
            (supervising_department, {"target": reporting_department}),
            (reporting_department, {"committee": engineering_committee}),
        )
    ]


@pytest.fixture
def filled(engineering_declaration, unit, chain):
    """The applicant's engineering declaration, complete, not yet submitted."""
    return fill_valid(engineering_declaration, unit)


@pytest.fixture
def submitted(filled, committed_applicant, django_capture_on_commit_callbacks):
    """Submitted to the unit; the form of round 1 rendered as the worker would after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        submit_declaration(actor=committed_applicant, declaration=filled)
    filled.refresh_from_db()
    return filled


def after_commit(capture, fn, *args, **kwargs):
    """fn, with what it queues after commit run at once (renders included)."""
    with capture(execute=True):
        return fn(*args, **kwargs)


@pytest.fixture
def at_committee(
    submitted,
    unit,
    unit_reviewer,
    supervising_department,
    department_reviewer,
    reporting_department,
    reporting_reviewer,
    django_capture_on_commit_callbacks,
):
    """Passed by every level with an opinion, published, reported up to the committee office's
    inbox; its form and packet rendered."""
    capture = django_capture_on_commit_callbacks
    declaration = submitted
    after_commit(
        capture,
        review_services.pass_declaration,
        actor=unit_reviewer,
        declaration=declaration,
        opinion="该同志业绩突出，同意推荐。",
    )
    after_commit(capture, notice, unit_reviewer, unit, [declaration])
    for organization, reviewer, opinion in (
        (unit, unit_reviewer, None),
        (supervising_department, department_reviewer, "经审核，材料属实，同意上报。"),
        (reporting_department, reporting_reviewer, "同意报送评审委员会。"),
    ):
        declaration.refresh_from_db()
        if opinion:
            after_commit(
                capture,
                review_services.pass_declaration,
                actor=reviewer,
                declaration=declaration,
                opinion=opinion,
            )
        after_commit(
            capture,
            review_services.report_declarations,
            actor=reviewer,
            organization=organization,
            declaration_ids=[declaration.pk],
        )
    declaration.refresh_from_db()
    return declaration


def document(declaration, kind=DocumentKind.FORM, round_=None) -> GeneratedDocument:
    return GeneratedDocument.objects.get(
        declaration=declaration, kind=kind, round=round_ or declaration.round
    )


def read(field) -> PdfReader:
    with field.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _fonts(resources, seen):
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        if id(font) not in seen:
            seen.add(id(font))
            yield font
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            yield from _fonts(xobject.get("/Resources"), seen)


def not_embedded_fonts(reader: PdfReader) -> list[str]:
    """The fonts of any page (or form drawn on it) whose glyphs the file does not carry: a
    simple font without a FontFile, a CID font (Type0) whose descendant has none."""
    missing, seen = [], set()
    for page in reader.pages:
        for font in _fonts(page.get("/Resources"), seen):
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


def outline_titles(reader: PdfReader) -> list:
    """The outline as nested (title, page index, children) tuples."""

    def walk(items):
        result = []
        for item in items:
            if isinstance(item, list):
                title, page, _children = result[-1]
                result[-1] = (title, page, walk(item))
            else:
                result.append((item.title, reader.get_destination_page_number(item), []))
        return result

    return walk(reader.outline)
