"""The documents panel on a declaration's pages (生成中 with live status, then 下载评审表 /
打印（一式三份） / 下载评审材料包, or why it failed with 重新生成), the private download, and
the request to draw a document again. Every view fetches through documents.selectors, which
answers 404 to anyone who may not have the document."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.files import private_file_response
from documents import layout, selectors, services
from documents.models import DocumentKind
from institutions import access


def _labels() -> dict[str, dict[str, str]]:
    return {
        DocumentKind.FORM: {
            "title": _("评审表"),
            "download": _("下载评审表"),
            "file": _("评审表"),
        },
        DocumentKind.PACKET: {
            "title": _("评审材料包"),
            "download": _("下载评审材料包"),
            "file": _("评审材料包"),
        },
    }


def panel_context(request, declaration, seen: selectors.Viewer) -> dict:
    """What the panel shows: one item per kind of document the viewer may have."""
    documents = selectors.documents_of(declaration, seen)
    labels = _labels()
    items = [
        {
            "kind": kind,
            "labels": labels[kind],
            "document": documents.get(kind),
            "download_url": reverse("documents:download", args=[declaration.pk, kind]),
            "render_url": reverse("documents:render", args=[declaration.pk, kind]),
        }
        for kind in seen.kinds
    ]
    return {
        "declaration": declaration,
        "round": seen.round,
        "items": items,
        "polling": any(i["document"] is not None and i["document"].in_progress for i in items),
        "url": reverse("documents:panel", args=[declaration.pk]),
        # Where a plain (no htmx) 生成 form comes back to: the page the panel is on.
        "next": (
            request.htmx.current_url_abs_path or "" if request.htmx else request.get_full_path()
        ),
    }


def declaration_panel(request, declaration) -> dict | None:
    """The panel on the applicant's overview and timeline and on the review page (registered
    on declarations.hooks.declaration_panels); nothing before the first submission."""
    seen = selectors.viewer(request.user, declaration)
    if not seen.round:
        return None
    return {
        "template": "documents/_panel.html",
        "documents_panel": panel_context(request, declaration, seen),
    }


def queue_row_links(request, organization, declaration_ids) -> dict[int, list[dict]]:
    """评审材料包 in each row of a committee office's inbox (registered on
    review.hooks.queue_row_links): one query for the page."""
    if not declaration_ids or not access.may(organization, access.Capability.RECEIVE):
        return {}
    packets = selectors.latest_packets(declaration_ids)
    links = {}
    for declaration_id in declaration_ids:
        packet = packets.get(declaration_id)
        if packet is not None and packet.is_ready:
            links[declaration_id] = [
                {
                    "label": _("下载材料包"),
                    "url": reverse("documents:download", args=[declaration_id, "packet"]),
                    "testid": "packet-download",
                    "download": True,
                }
            ]
        else:
            label = _("材料包生成中") if packet is not None and packet.in_progress else _("材料包")
            links[declaration_id] = [
                {
                    "label": label,
                    "url": reverse("review:detail", args=[declaration_id]) + "#documents-panel",
                    "testid": "packet-link",
                    "download": False,
                }
            ]
    return links


@login_required
@require_GET
def panel(request, pk: int):
    """The panel alone: htmx asks for it every 2 seconds while a document is being drawn."""
    declaration = selectors.get_declaration(request.user, pk)
    seen = selectors.viewer(request.user, declaration)
    if not seen.round:
        raise Http404(_("未找到该文件。"))
    return render(
        request,
        "documents/_panel.html",
        {"documents_panel": panel_context(request, declaration, seen)},
    )


def _content_disposition(inline: bool, name: str) -> str:
    """RFC 6266 with RFC 5987 filename*: an ASCII fallback and the Chinese name."""
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"document.pdf\"; filename*=UTF-8''{quote(name, safe='')}"


@login_required
@require_GET
def download(request, pk: int, kind: str):
    """The published PDF (core.files: streamed, or handed to nginx or S3). ?copies=1: the
    form's three copies for printing; ?inline=1: shown in the browser (to print from its viewer)."""
    declaration, _seen, document = selectors.get_document(request.user, pk, kind)
    copies = request.GET.get("copies") == "1" and kind == DocumentKind.FORM
    if document is None or not document.is_ready or (copies and not document.print_file):
        raise Http404(_("文件尚未生成，请稍后再试。"))
    field = document.print_file if copies else document.file
    label = _labels()[kind]["file"]
    if copies:
        label = _("评审表（一式三份）")
    name = f"{label}-{declaration.applicant.name}-{layout.declaration_number(declaration)}.pdf"
    try:
        response = private_file_response(
            field,
            content_type="application/pdf",
            disposition=_content_disposition(request.GET.get("inline") == "1", name),
        )
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_POST
def render_again(request, pk: int, kind: str):
    """生成 / 重新生成: queue the document (a render already on its way is left alone)."""
    declaration, seen, _document = selectors.get_document(request.user, pk, kind)
    services.request_render(
        actor=request.user, declaration=declaration, round_=seen.round, kind=kind
    )
    if request.htmx:
        return render(
            request,
            "documents/_panel.html",
            {"documents_panel": panel_context(request, declaration, seen)},
        )
    messages.success(request, _("已开始生成，请稍候。"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    return redirect(target)
