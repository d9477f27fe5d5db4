"""The review page (审核) and its decisions.

detail: the declaration as submitted, section by section in plan order, with its files, this
organization's result of each section (通过 / 不通过 with what to fix), the results of earlier
rounds and of other organizations, what changed since the returned round, and the decision
buttons the workflow table allows now. section_result records one section's result (htmx: the
section's result fragment comes back; without JavaScript: redirect to the section's anchor).
decide: the confirmation page of 通过 / 退回修改 / 不通过 (GET), and the decision (POST).

Every view fetches the declaration with get_declaration_for_reviewer (another organization's,
an applicant's or an outsider's request is not found); every POST goes through a service,
which checks the permission and the state again under a row lock.
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from attachments.models import Attachment
from attachments.selectors import viewable_files
from core.forms import add_service_errors
from core.hooks import add_panels
from core.html import format_html, format_html_join
from declarations import hooks as declaration_hooks
from declarations import workflow
from declarations.continuing_education import summary_for
from declarations.reader import (
    DeclarationView,
    SectionView,
    enabled_sections,
    plan_slots,
    read_draft,
    read_snapshot,
    section_slots,
)
from declarations.sections import SECTIONS
from declarations.services import config_version
from review import selectors, services
from review.forms_decision import DECISION_FORMS, SectionResultForm
from review.models import ReviewState, SectionResult

IMAGE_KINDS = (Attachment.Kind.JPEG, Attachment.Kind.PNG, Attachment.Kind.GIF)


def _queue_url() -> str:
    return reverse("review:queue")


def _detail_url(declaration, code: str | None = None) -> str:
    url = reverse("review:detail", args=[declaration.pk])
    return f"{url}#section-{code}" if code else url


def _current_results(declaration, review) -> dict[str, SectionResult]:
    return selectors.round_results(declaration, review.organization)


# ---------------------------------------------------------------- what the review page shows


def failed_sections(sections, results: dict) -> list[dict]:
    """This round's failed sections in plan order (the plan's sections, or the page's
    SectionViews): what a return sends to the applicant."""
    return [
        {"code": s.code, "title": SECTIONS[s.code].title, "reason": results[s.code].reason}
        for s in sections
        if s.code in results and not results[s.code].passed
    ]


def read_only_reason(declaration, review, actions) -> str:
    """Why the organization cannot act on the declaration now ("" when it can)."""
    if actions:
        return ""
    if review.state == ReviewState.REPORTED and declaration.holder is not None:
        return _("该申报已由本单位上报至“%(o)s”，本单位不能再审核，页面仅供查看。") % {
            "o": declaration.holder.name
        }
    if review.state == ReviewState.RETURNED:
        return _("该申报已退回申报人修改，页面仅供查看；申报人重新提交后将再次进入审核。")
    if review.state == ReviewState.REJECTED:
        return _("该申报审核不通过，审核已结束，页面仅供查看。")
    if declaration.holder_id != review.organization_id:
        return _("该申报当前不在本单位审核（状态：%(s)s），页面仅供查看。") % {
            "s": declaration.get_status_display()
        }
    return _("本单位不能审核该申报，页面仅供查看。")


@dataclass
class SectionCard:
    """One section on the review page: the section as read (view: code, title, kind, saved;
    reading: its data as HTML, rendered once per round), its slots with the files that reached
    the organization, this organization's result of the current round (and the form for it,
    set by the view), every other result as history."""

    view: SectionView
    result: object = None
    history: list = field(default_factory=list)
    form: object = None
    reading: str = ""
    row_count: int = 0
    changed: bool = False
    slots: list = field(default_factory=list)
    files_html: str = ""
    # The whole card as HTML when it was kept (_section_cards); "" renders it in the page.
    html: str = ""

    @property
    def code(self) -> str:
        return self.view.code

    @property
    def title(self) -> str:
        return self.view.title

    @property
    def radios(self) -> list[dict]:
        """The result form's two choices (name, value, id, checked, label), as its RadioSelect
        would render them, without making the widget's subwidgets on every request."""
        form = self.form
        if form is None:
            return []
        value = form["result"].value()
        name = form.add_prefix("result")
        return [
            {
                "name": name,
                "value": choice,
                "id": f"id_{name}_{index}",
                "checked": value is not None and str(value) == str(choice),
                "label": label,
            }
            for index, (choice, label) in enumerate(form.fields["result"].choices)
        ]

    @property
    def file_count(self) -> int:
        """How many files the section has (its collapsed summary line says so)."""
        return sum(len(slot.files) for slot in self.slots)


def review_progress(codes, results: dict) -> dict:
    """How far this round's section review is: sections with a result (of how many), and how
    many of them failed (the section navigation and the decision bar show it)."""
    codes = list(codes)
    mine = [results[code] for code in codes if code in results]
    return {
        "done": len(mine),
        "total": len(codes),
        "failed": sum(1 for result in mine if not result.passed),
    }


@dataclass
class ReviewPage:
    sections: list[SectionCard]
    actions: list[str]
    can_record: bool
    read_only_reason: str
    returned_round: int | None
    failed: list[dict]
    diff_html: str = ""


def _files(declaration, actor) -> list[Attachment]:
    """The declaration's files the actor may see (those of the rounds that reached the
    organization, never the draft's: attachments.selectors.viewable_files), oldest
    first, marked for inline preview (one query)."""
    files = viewable_files(actor, declaration)
    for attachment in files:
        attachment.is_image = attachment.kind in IMAGE_KINDS
        attachment.is_pdf = attachment.kind == Attachment.Kind.PDF
    return files


# A submitted round never changes: its reading (every section's data as HTML, and what changed
# since the returned round) is rendered once and kept for an hour (a reviewer's visits come
# together; the cache stays small with thousands of declarations). The key names the round's
# submission (its time: a declaration id reused after a database reset is another key), the
# round it is compared with, the plan's and its enabled sections' settings, the slots' names,
# the language and the version of the catalogs and organizations whose names the reading shows
# (declarations.services.config_version); files, section results, the continuing education
# hours and everything about the reviewer stay per request.
READING_TIMEOUT = 60 * 60
READING_VERSION = 1


def _fields_of(obj) -> list:
    return [(f.attname, getattr(obj, f.attname)) for f in obj._meta.concrete_fields]


def _reading_key(declaration, sections, slots, returned) -> str | None:
    if declaration.submitted_at is None:
        return None
    identity = repr(
        (
            declaration.pk,
            declaration.round,
            declaration.submitted_at.isoformat(),
            returned,
            _fields_of(declaration.plan),
            [_fields_of(s) for s in sections],
            [(code, [(v.code, v.name, v.required) for v in vs]) for code, vs in slots.items()],
            get_language(),
            config_version(),
        )
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"review:reading:v{READING_VERSION}:{declaration.pk}:{digest}"


def _render_reading(declaration, view: DeclarationView, returned_round) -> dict:
    """The cacheable part of the page: per section its kind, whether it was saved, its row
    count, whether it changed and its data as HTML; the changes since the returned round."""
    sections = {}
    for section in view.sections:
        sections[section.code] = {
            "kind": section.kind,
            "saved": section.saved,
            "rows": len(section.rows),
            "changed": section.changed,
            "html": ""
            if section.kind == "readonly"
            else render_to_string("review/_section_reading.html", {"view": section}),
        }
    diff = ""
    if returned_round is not None:
        diff = render_to_string(
            "review/_diff.html",
            {"declaration": declaration, "returned_round": returned_round, "diff": view.changes},
        )
    return {"sections": sections, "returned_round": returned_round, "diff": diff}


def _reading(declaration, sections, slots, slot_rows) -> dict:
    """The current round as submitted, read beside the returned round if the previous round
    ended with a return: from the cache, or read and rendered (and cached) now."""
    returned = selectors.returned_round(declaration)
    key = _reading_key(declaration, sections, slots, returned)
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    snapshots = selectors.snapshots(declaration, {declaration.round, returned} - {None})
    previous = snapshots.get(returned) if returned else None
    current = snapshots.get(declaration.round)
    if current is None:
        # Not submitted in this round (not possible for a declaration in a queue): as saved,
        # never cached (the draft changes).
        view = read_draft(
            declaration,
            since=previous,
            files=(),
            sections=sections,
            slots=slot_rows,
            summary=False,
        )
        return _render_reading(declaration, view, returned if previous is not None else None)
    # The hours are read per request (review_page), never kept with the reading.
    view = read_snapshot(
        declaration,
        current,
        since=previous,
        files=(),
        sections=sections,
        round=declaration.round,
        slots=slot_rows,
        summary=False,
    )
    reading = _render_reading(declaration, view, returned if previous is not None else None)
    if key is not None:
        cache.set(key, reading, READING_TIMEOUT)
    return reading


# A section's slots and files as HTML, kept by what they show (each file's id, name, size, pages,
# check status and reason, kind and thumbnail; the slots' names): a change to any of them is
# another key, so the block is never stale; the download links in it are checked per request.
FILES_TIMEOUT = 10 * 60


def _slot_signature(slots) -> list:
    return [
        (
            slot.code,
            slot.name,
            slot.required,
            [
                (
                    a.pk,
                    a.original_name,
                    a.size,
                    a.page_count,
                    a.status,
                    a.reason,
                    a.kind,
                    bool(a.thumbnail),
                )
                for a in (f.attachment for f in slot.files)
            ],
        )
        for slot in slots
    ]


def _files_blocks(slots_by_code: dict) -> dict[str, str]:
    """Each section's slots and files as HTML (review/_section_files.html), from the cache when
    the same files were shown before."""
    language = get_language()
    keys = {}
    for code, slots in slots_by_code.items():
        if slots:
            identity = repr((language, code, _slot_signature(slots)))
            keys[code] = f"review:files:v1:{hashlib.sha256(identity.encode()).hexdigest()}"
    found = cache.get_many(list(keys.values())) if keys else {}
    blocks, new = {}, {}
    for code, key in keys.items():
        html = found.get(key)
        if html is None:
            html = render_to_string("review/_section_files.html", {"slots": slots_by_code[code]})
            new[key] = html
        blocks[code] = mark_safe(html)  # escaped by our template
    if new:
        cache.set_many(new, FILES_TIMEOUT)
    return blocks


def review_page(declaration, review, actor) -> ReviewPage:
    """Everything the review page shows, in a number of queries that does not depend on how
    many sections, rows, files or earlier results there are. Section data comes from the
    snapshot of the current round (what was submitted), read beside the snapshot of the round
    that was returned, if the previous round ended with a return (rendered once per round:
    _reading); files are the current ones that reached the organization."""
    sections = enabled_sections(declaration)
    actions = services.available_review_actions(declaration, actor)
    can_record = services.can_record_section_results(declaration, actor)
    slot_rows = plan_slots(sections)
    slots = section_slots(sections, _files(declaration, actor), slots=slot_rows)
    reading = _reading(declaration, sections, slots, slot_rows)
    files_html = _files_blocks(slots)

    results = selectors.section_results(declaration=declaration.pk)
    mine = {
        r.code: r
        for r in results
        if r.organization_id == review.organization_id and r.round == declaration.round
    }
    cards = []
    for s in sections:
        read = reading["sections"].get(s.code) or {
            "kind": "none",
            "saved": False,
            "rows": 0,
            "changed": False,
            "html": "",
        }
        view = SectionView(
            code=s.code, title=str(SECTIONS[s.code].title), kind=read["kind"], saved=read["saved"]
        )
        if s.code == "continuing_education":
            view.summary = summary_for(declaration)
        cards.append(
            SectionCard(
                view=view,
                result=mine.get(s.code),
                history=[r for r in results if r.code == s.code and mine.get(s.code) is not r],
                reading=mark_safe(read["html"]),  # escaped by our templates
                row_count=read["rows"],
                changed=read["changed"],
                slots=slots.get(s.code, []),
                files_html=files_html.get(s.code, ""),
            )
        )
    return ReviewPage(
        sections=cards,
        actions=actions,
        can_record=can_record,
        read_only_reason=read_only_reason(declaration, review, actions),
        returned_round=reading["returned_round"],
        failed=failed_sections(sections, mine),
        diff_html=mark_safe(reading["diff"]),  # escaped by our templates
    )


# Each section's card as HTML, kept by everything it shows: the reading and the files (their
# HTML), the row and file counts, the continuing education hours, this organization's result
# and the earlier results, whether the result form is there (made only to render the card: it
# shows the saved result), the card's number, the language and the time zone. A card with a
# refused (bound) result form is rendered each time. The CSRF token is put in per request.
CARD_TIMEOUT = 10 * 60
CARD_VERSION = 1
CSRF_PLACEHOLDER = "csrf0placeholder0c5e2f"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _card_key(declaration, card, number, can_record: bool) -> str:
    summary = card.view.summary
    years = (
        [(y.year, y.public, y.professional, y.total, y.required, y.meets) for y in summary.years]
        if summary is not None
        else None
    )
    result, history = card.result, card.history
    identity = repr(
        (
            get_language(),
            timezone.get_current_timezone_name(),
            declaration.pk,
            number,
            card.code,
            card.title,
            card.view.kind,
            card.view.saved,
            card.row_count,
            card.changed,
            card.file_count,
            _digest(card.reading),
            _digest(card.files_html),
            years,
            None if result is None else (result.pk, result.passed, result.reason),
            [(r.round, r.organization.name, r.updated_at, r.passed, r.reason) for r in history],
            can_record,
        )
    )
    return f"review:card:v{CARD_VERSION}:{declaration.pk}:{_digest(identity)}"


def _section_cards(request, declaration, cards, *, can_record: bool) -> None:
    """Set each card's HTML (card.html), from the cache when the same card was shown before;
    with can_record, a card rendered now gets its result form (showing its saved result)."""
    keys = {}
    for number, card in enumerate(cards, 1):
        if card.form is None:
            keys[number] = _card_key(declaration, card, number, can_record)
    found = cache.get_many(list(keys.values())) if keys else {}
    new = {}
    token = get_token(request)
    for number, card in enumerate(cards, 1):
        key = keys.get(number)
        if key is None:
            continue
        html = found.get(key)
        if html is None:
            if can_record:
                card.form = SectionResultForm.for_result(card.result, prefix=card.code)
            html = render_to_string(
                "review/_section.html",
                {
                    "s": card,
                    "declaration": declaration,
                    "forloop": {"counter": number},
                    "csrf_token": CSRF_PLACEHOLDER,
                },
            )
            new[key] = html
        card.html = mark_safe(html.replace(CSRF_PLACEHOLDER, token))  # escaped by our template
    if new:
        cache.set_many(new, CARD_TIMEOUT)


def _page_context(request, declaration, review, *, bound_form=None) -> dict:
    """The review page; each section the organization may review now gets its result form
    (the bound one with its errors for the section just posted)."""
    page = review_page(declaration, review, request.user)
    if page.can_record and bound_form is not None:
        for card in page.sections:
            if bound_form.prefix == card.code:
                card.form = bound_form
    # The other cards' forms are made only when a card is rendered (_section_cards).
    _section_cards(request, declaration, page.sections, can_record=page.can_record)
    return {
        "declaration": declaration,
        "review": review,
        "applicant": declaration.applicant,
        "sections": page.sections,
        "section_nav": _section_nav(page.sections),
        "actions": page.actions,
        "action_labels": {a: workflow.label_for(a, declaration) for a in page.actions},
        "can_record": page.can_record,
        "read_only_reason": page.read_only_reason,
        "returned_round": page.returned_round,
        "diff_html": page.diff_html,
        "failed": page.failed,
        "progress": review_progress(
            (card.code for card in page.sections),
            {card.code: card.result for card in page.sections if card.result is not None},
        ),
        "queue_url": _queue_url(),
    }


@login_required
@require_safe
def detail(request, pk: int):
    declaration, review = selectors.get_declaration_for_reviewer(request.user, pk)
    context = _page_context(request, declaration, review)
    # Panels the apps above add (documents: the evaluation form and the expert packet).
    add_panels(context, declaration_hooks.declaration_panels, request, declaration)
    return render(request, "review/detail.html", context)


def nav_badge(card, *, oob: bool = False):
    """A section's result badge in the section navigation (未审 / 通过 / 不通过), sent again out
    of band when the section's result is saved."""
    result = card.result
    if result is None:
        css, label = "bg-light text-dark border", _("未审")
    elif result.passed:
        css, label = "bg-success", _("通过")
    else:
        css, label = "bg-danger", pgettext("section result", "不通过")
    return format_html(
        '<span class="badge ms-auto {}" id="nav-result-{}" data-testid="nav-result"{}>{}</span>',
        css,
        card.code,
        mark_safe(' hx-swap-oob="true"') if oob else "",
        label,
    )


def _section_nav(cards):
    """The section navigation's entries, written here rather than by a template loop over the
    sections (a dozen tags each on every review page)."""
    changed = format_html('<span class="badge bg-warning text-dark">{}</span>', _("有修改"))
    return format_html_join(
        "",
        '<li><a class="section-nav-link" href="#section-{}" data-nav-section="{}">'
        '<span class="section-nav-title">{}. {}</span>{}{}</a></li>',
        (
            (code, code, number, card.title, changed if card.changed else "", nav_badge(card))
            for number, card in enumerate(cards, 1)
            for code in [card.code]
        ),
    )


def _result_fragment(request, declaration, review, code, form, *, saved=False):
    """The section's result part after an htmx POST and, out of band, the section's badge in the
    navigation, the progress (已审 n/m), the status badge and the decision bar (its list of
    failed sections, and its buttons, which carry the state the page shows: the first result
    moves 待审核 to 审核中)."""
    results = _current_results(declaration, review)
    declaration.refresh_from_db(fields=["status"])
    actions = services.available_review_actions(declaration, request.user)
    sections = enabled_sections(declaration)
    card = SectionCard(
        view=SectionView(code=code, title=str(SECTIONS[code].title), kind="", saved=True),
        result=results.get(code),
        form=form,
    )
    return render(
        request,
        "review/_section_result_response.html",
        {
            "declaration": declaration,
            "s": card,
            "nav_badge": nav_badge(card, oob=True),
            "can_record": True,
            "saved": saved,
            "failed": failed_sections(sections, results),
            "progress": review_progress((s.code for s in sections), results),
            "action_labels": {a: workflow.label_for(a, declaration) for a in actions},
        },
    )


@login_required
@require_POST
def section_result(request, pk: int, code: str):
    """Record one section's 通过 / 不通过 (with what to fix)."""
    declaration, review = selectors.get_declaration_for_reviewer(request.user, pk)
    if code not in {s.code for s in enabled_sections(declaration)}:
        message = _("该申报没有这个模块。")
        if request.htmx:
            return HttpResponse(message, status=400)
        messages.error(request, message)
        return redirect(_detail_url(declaration))
    form = SectionResultForm(request.POST, prefix=code)
    if form.is_valid():
        try:
            services.record_section_result(
                actor=request.user,
                declaration=declaration,
                code=code,
                passed=form.passed,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if not request.htmx and not hasattr(error, "error_dict"):
                # The declaration moved on (a colleague decided, or it was reported).
                messages.error(request, " ".join(error.messages))
                return redirect(_detail_url(declaration, code))
            add_service_errors(form, error)
        else:
            if request.htmx:
                fresh = SectionResultForm.for_result(
                    _current_results(declaration, review).get(code), prefix=code
                )
                return _result_fragment(request, declaration, review, code, fresh, saved=True)
            messages.success(request, _("“%(t)s”的审核结果已保存。") % {"t": SECTIONS[code].title})
            return redirect(_detail_url(declaration, code))
    if request.htmx:
        return _result_fragment(request, declaration, review, code, form)
    context = _page_context(request, declaration, review, bound_form=form)
    return render(request, "review/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk: int, action: str):
    """通过 / 退回修改 / 不通过: GET shows what will happen, POST decides."""
    declaration, review = selectors.get_declaration_for_reviewer(request.user, pk)
    form_class = DECISION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("没有这个审核操作。"))
    label = workflow.label_for(action, declaration)
    # Above the declaring unit a pass is 审查通过 with a required opinion (S3 附件2 二.3).
    upper = workflow.held_above_declaring_unit(declaration)
    if request.method == "POST":
        form = form_class(request.POST, upper=upper)
        if form.is_valid():
            decide_service = {
                "pass": services.pass_declaration,
                "return": services.return_declaration,
                "reject": services.reject_declaration,
            }[action]
            try:
                decide_service(actor=request.user, declaration=declaration, **form.kwargs())
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # Decided by a colleague meanwhile, or not possible in this state.
                    messages.error(request, " ".join(error.messages))
                    return redirect(_detail_url(declaration))
                add_service_errors(form, error)
            else:
                messages.success(request, _done_message(action, declaration, upper=upper))
                return redirect(_queue_url())
    else:
        seen = request.GET.get("seen")
        if (seen and seen != declaration.status) or action not in (
            services.available_review_actions(declaration, request.user)
        ):
            # Decided (or started) by a colleague since the review page was loaded.
            messages.error(
                request,
                _("该申报当前状态为“%(s)s”，本单位不能%(a)s。可能已被其他审核人处理。")
                % {"s": declaration.get_status_display(), "a": label},
            )
            return redirect(_detail_url(declaration))
        form = form_class(initial={"seen_status": declaration.status}, upper=upper)
    sections = enabled_sections(declaration)
    return render(
        request,
        "review/decide.html",
        {
            "declaration": declaration,
            "review": review,
            "applicant": declaration.applicant,
            "action": action,
            "label": label,
            "upper": upper,
            "form": form,
            "failed": failed_sections(sections, _current_results(declaration, review)),
        },
    )


def _done_message(action: str, declaration, *, upper: bool = False) -> str:
    name = declaration.applicant.name
    if action == "pass":
        if upper:
            return _("已审查通过“%(n)s”的申报。") % {"n": name}
        return _("已审核通过“%(n)s”的申报。") % {"n": name}
    if action == "return":
        return _("已将“%(n)s”的申报退回申报人修改。") % {"n": name}
    if upper:
        return _("已将“%(n)s”的申报审查为不通过。") % {"n": name}
    return _("已将“%(n)s”的申报审核为不通过。") % {"n": name}
