"""Query budgets: the overview and every section page of the engineering plan run a fixed number of
queries that does not grow with rows — the same with 1 row as with 30 rows stored in every row
section (GET), and the same saving 1 row as saving the most rows a section accepts (POST)."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db.models import FETCH_RAISE
from django.urls import reverse

from declarations import selectors
from declarations.forms import SECTION_FORMS
from declarations.models import Declaration, DeclarationSection
from demo.fill import bound, items, prefixed, rows_data, single_values

# Valid input, row by row, and of the single-form sections: demo.fill (shared with seed_demo).
# Other test modules import these names from here too.
__all__ = ["ROW_SECTIONS", "bound", "prefixed", "single_values", "store", "stored_rows"]

MANY = 30
# The most rows each row section accepts when saved: titles and admin_posts the formset's max_num,
# assessments plan.assessment_years, achievements plan.achievements_limit.
MOST = {
    "titles": 10,
    "admin_posts": 10,
    "assessments": 5,
    "work_experience": MANY,
    "achievements": 15,
}
ROW_SECTIONS = tuple(MOST)
SINGLE_SECTIONS = tuple(code for code in SECTION_FORMS if code not in MOST)
PAGES = ("overview", *SECTION_FORMS, "continuing_education")

# Queries measured (SQLite), the same with 1 and with 30 rows (1 and MOST rows for a save):
#   every request: session, user, the declaration (with plan, applicant, holder, unit);
#   GET  overview: see below;
#        section pages 5 (+ plan sections, the saved section) and the section's attachment
#        slots: +1 for a section without slots (performance: 6), +2 with slots (the slots and
#        their files in one prefetch, however many files: 7);
#        declaration_info 10 (+ titles, methods, the chosen unit, specialties; no slot);
#        titles 11 (+ title catalog, levels, series, qualifications: once per formset, not per
#        row — before the fix 4 queries per row, 125 with 30 rows; slots and files);
#        continuing_education 5 (+ plan sections, the applicant's hours).
#   POST a save is the GET's queries without rendering, plus the locked declaration (lock, then
#        read), the section's UPDATE (an INSERT the first time) and updated_at, with BEGIN and
#        COMMIT on SQLite: 11 for every section (14 before: update_or_create's SELECT and
#        savepoint), declaration_info 14 (+ the chosen title, method and unit looked up), titles
#        15 (+ the 4 shared reads above, not 5 queries per row as before: 63 for 10 rows).
#   "添加一行" re-renders the posted rows with the GET's queries (the form only: no slots).
# Budgets are the measured numbers plus 2; growth with rows fails the equality whatever the budget.
# The overview re-checks the saved sections whose state changed with their forms (missing_items):
# the first view checks every section, 15 measured (17 before: the plan sections and saved
# sections read once for the page, missing_items and the slots' conditions; the slots with their
# files' states in one query; the 申报信息 lookups and the titles catalog once each, not per
# row); after fill() rewrote the row sections 11; seen again, 7
# (test_the_overview_seen_again_reads_no_form); right after saving 申报信息, 15
# (test_the_overview_after_saving_declaration_info). The overview's budgets are the measured
# numbers.
GET_BUDGET = {"overview": 15, "declaration_info": 12, "titles": 13}
POST_BUDGET = {"declaration_info": 16, "titles": 17}
GET_DEFAULT_BUDGET = 9
POST_DEFAULT_BUDGET = 13


@pytest.fixture(autouse=True)
def empty_cache():
    """The tests' cache (LocMemCache) culls a third of its entries once it holds 300: the
    overview's kept checks left by earlier tests could be culled in the middle of a measure.
    Each test starts with an empty cache, so what is kept within it stays."""
    cache.clear()
    yield
    cache.clear()


def stored_rows(declaration, code, count):
    """What the section's form stores for `count` rows, each row accepted by the form."""
    rows = []
    for item in items(code, count):
        formset = bound(declaration, code, rows_data(code, [item]))
        assert formset.is_valid(), (code, item, formset.errors, formset.non_form_errors())
        rows.extend(formset.to_data()["rows"])
    return rows


def store(declaration, code, data):
    DeclarationSection.objects.update_or_create(
        declaration=declaration, code=code, defaults={"data": data}
    )


@pytest.fixture
def declaration(engineering_declaration, unit):
    """The engineering declaration with every single-form section saved."""
    singles = single_values(engineering_declaration, unit)
    for code, values in singles.items():
        form = bound(engineering_declaration, code, prefixed(code, values))
        assert form.is_valid(), (code, form.errors)
        store(engineering_declaration, code, form.to_data())
    Declaration.objects.filter(pk=engineering_declaration.pk).update(declaring_unit=unit)
    engineering_declaration.singles = singles
    return engineering_declaration


@pytest.fixture
def fill(declaration):
    """fill(count): `count` stored rows in every row section (30 at most)."""
    rows = {code: stored_rows(declaration, code, MANY) for code in ROW_SECTIONS}

    def _fill(count):
        for code in ROW_SECTIONS:
            store(declaration, code, {"rows": rows[code][:count]})

    return _fill


@pytest.fixture
def applicant_client(login, declaration):
    return login(declaration.applicant)


def page_url(declaration, page):
    if page == "overview":
        return reverse("declarations:overview", args=[declaration.pk])
    if page == "continuing_education":
        return reverse("declarations:continuing_education", args=[declaration.pk])
    return reverse("declarations:section", args=[declaration.pk, page])


def queries_of(budget, django_assert_max_num_queries, request):
    """(number of queries, response) of request(), failing above the budget."""
    with django_assert_max_num_queries(budget) as captured:
        response = request()
    return len(captured), response


@pytest.mark.parametrize("page", PAGES)
def test_get_queries_do_not_grow_with_rows(
    applicant_client, declaration, fill, django_assert_max_num_queries, page
):
    url = page_url(declaration, page)

    def get(count):
        fill(count)
        queries, response = queries_of(
            GET_BUDGET.get(page, GET_DEFAULT_BUDGET),
            django_assert_max_num_queries,
            lambda: applicant_client.get(url),
        )
        assert response.status_code == 200
        return queries, response.content.decode()

    get(1)  # warm-up: per-process caches (content types, translations, templates)
    one, _page = get(1)
    many, html = get(MANY)
    assert many == one
    if page in ROW_SECTIONS:
        # All 30 stored rows are on the page, even where fewer may be saved.
        assert f'name="{page}-INITIAL_FORMS" value="{MANY}"' in html
        assert f'name="{page}-{MANY - 1}-' in html


# The overview seen again in the same state keeps the saved data's problems (services.
# missing_items(cached=True): a save gives a new key): session, user, the declaration, the plan
# sections and the saved sections (prefetched once for the page, missing_items and the sections
# the slots' conditions read), the attachment slots with their files' states (attachments),
# previous_declaration: 7 measured (9 before).
KEPT_OVERVIEW_BUDGET = 7


def test_the_overview_seen_again_reads_no_form(
    applicant_client, declaration, fill, django_assert_max_num_queries
):
    url = page_url(declaration, "overview")

    def get_again(count):
        fill(count)
        assert applicant_client.get(url).status_code == 200  # checked and kept
        queries, response = queries_of(
            KEPT_OVERVIEW_BUDGET, django_assert_max_num_queries, lambda: applicant_client.get(url)
        )
        assert response.status_code == 200
        return queries, response.content.decode()

    get_again(1)  # warm-up
    one, _page = get_again(1)
    many, _page = get_again(MANY)
    assert many == one


@pytest.mark.parametrize("code", list(SECTION_FORMS))
def test_post_that_saves_queries_do_not_grow_with_rows(
    applicant_client, declaration, fill, django_assert_max_num_queries, code
):
    url = page_url(declaration, code)

    def post(count):
        if code in MOST:
            fill(count)
            data = rows_data(code, items(code, count), initial=count)
        else:
            fill(MANY if count > 1 else 1)
            data = prefixed(code, declaration.singles[code])
        queries, response = queries_of(
            POST_BUDGET.get(code, POST_DEFAULT_BUDGET),
            django_assert_max_num_queries,
            lambda: applicant_client.post(url, data),
        )
        assert response.status_code == 302, response.content.decode()
        if code in MOST:
            saved = DeclarationSection.objects.get(declaration=declaration, code=code)
            assert len(saved.data["rows"]) == count
        return queries

    post(1)  # warm-up
    one = post(1)
    many = post(MOST.get(code, MANY))
    assert many == one


@pytest.mark.parametrize("code", ROW_SECTIONS)
def test_add_row_rerenders_every_row_without_growing(
    applicant_client, declaration, fill, django_assert_max_num_queries, code
):
    """ "添加一行" re-renders the typed rows: what a GET renders, with one more empty row."""
    url = page_url(declaration, code)

    def add_row(count):
        fill(count)
        data = {**rows_data(code, items(code, count), initial=count), "add_row": "1"}
        queries, response = queries_of(
            GET_BUDGET.get(code, GET_DEFAULT_BUDGET),
            django_assert_max_num_queries,
            lambda: applicant_client.post(url, data),
        )
        assert response.status_code == 200
        assert f'name="{code}-{count}-' in response.content.decode()
        return queries

    add_row(1)  # warm-up
    assert add_row(MOST[code]) == add_row(1)


def test_no_page_fetches_from_the_declaration_lazily(
    applicant_client, declaration, fill, monkeypatch
):
    """Django 6.1 fetch modes: the declaration the pages work with (and the plan, plan sections,
    saved sections and everything else reached from it) is loaded with FETCH_RAISE, so any
    related object not loaded up front — per row or not — raises FieldFetchBlocked instead of
    quietly running a query."""
    monkeypatch.setattr(
        selectors,
        "Declaration",
        SimpleNamespace(
            objects=Declaration.objects.fetch_mode(FETCH_RAISE),
            DoesNotExist=Declaration.DoesNotExist,
        ),
    )
    fill(MANY)
    for page in PAGES:
        assert applicant_client.get(page_url(declaration, page)).status_code == 200, page
    for code in ROW_SECTIONS:
        fill(MOST[code])
        data = rows_data(code, items(code, MOST[code]), initial=MOST[code])
        assert applicant_client.post(page_url(declaration, code), data).status_code == 302, code
    for code in SINGLE_SECTIONS:
        data = prefixed(code, declaration.singles[code])
        assert applicant_client.post(page_url(declaration, code), data).status_code == 302, code


# The overview right after saving 申报信息 re-checks it and 现专业技术职称 (which reads its
# 申报方式): session, user, the declaration, the plan sections and saved sections (prefetched
# for the page, missing_items and the slots' conditions), the attachment slots and file
# statuses, the 申报信息 form's title, methods and chosen unit, the titles form's title
# catalog, levels, series and qualifications, previous_declaration.
AFTER_INFO_SAVE_BUDGET = 15


def test_the_overview_after_saving_declaration_info(
    applicant_client, declaration, fill, django_assert_max_num_queries
):
    url = page_url(declaration, "overview")
    info = page_url(declaration, "declaration_info")
    data = prefixed("declaration_info", declaration.singles["declaration_info"])

    def after_save(count):
        fill(count)
        assert applicant_client.get(url).status_code == 200  # checked and kept
        assert applicant_client.post(info, data).status_code == 302
        queries, response = queries_of(
            AFTER_INFO_SAVE_BUDGET,
            django_assert_max_num_queries,
            lambda: applicant_client.get(url),
        )
        assert response.status_code == 200
        return queries

    after_save(1)  # warm-up
    one = after_save(1)
    many = after_save(MANY)
    assert many == one
