"""Upload into a slot, the file rows that follow their check, delete, and private serving.

Files are never under a public URL: every byte goes out through `download` or `thumbnail`,
after get_attachment_for_viewer has checked that the viewer may see the declaration.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attachments import selectors, services
from attachments.detection import name_for_kind
from attachments.models import Attachment
from core.files import private_file_response
from declarations.selectors import get_declaration_for_applicant

CONTENT_TYPES = {
    Attachment.Kind.JPEG: "image/jpeg",
    Attachment.Kind.PNG: "image/png",
    Attachment.Kind.GIF: "image/gif",
    Attachment.Kind.PDF: "application/pdf",
}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "pdf": "pdf"}
# What a served file may do when a browser shows it: nothing. No script, no plugin, no
# same-origin access; only the image itself and the browser's own viewer styles.
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


def _can_edit(user, declaration) -> bool:
    return user.pk == declaration.applicant_id and declaration.is_editable


def _section_url(declaration, slot) -> str:
    return reverse("declarations:section", args=[declaration.pk, slot.plan_section.code])


def _render_slot(request, declaration, slot, *, errors=(), status=200):
    selectors.slot_with_files(declaration, slot)
    return render(
        request,
        "attachments/_slot.html",
        {
            "declaration": declaration,
            "slot": slot,
            "editable": _can_edit(request.user, declaration),
            "errors": list(errors),
        },
        status=status,
    )


@login_required
@require_POST
def upload(request, declaration_pk: int, slot_pk: int):
    """POST one file (the page's script sends one request per file) or, without JavaScript,
    the several files of a plain form. htmx/XHR requests get the slot's fragment back (status
    400 with the message when a file is refused); a plain form is redirected to the section
    page with the result in the messages."""
    declaration = get_declaration_for_applicant(request.user, declaration_pk)
    slot = selectors.get_slot_for_declaration(declaration, slot_pk)
    files = request.FILES.getlist("file")
    errors, stored = [], []
    if not files:
        errors.append(_("请选择要上传的文件。"))
    elif len(files) > 1 and not slot.multiple:
        errors.append(_("“%(slot)s”只能上传一个文件。") % {"slot": slot.name})
    else:
        for uploaded in files:
            try:
                stored.append(
                    services.upload_attachment(
                        actor=request.user,
                        declaration=declaration,
                        slot=slot,
                        uploaded_file=uploaded,
                    )
                )
            except ValidationError as error:
                name = services.clean_original_name(uploaded.name)
                errors.append(
                    _("“%(name)s”未上传：%(reason)s")
                    % {"name": name, "reason": " ".join(error.messages)}
                )
    if request.htmx:
        return _render_slot(
            request, declaration, slot, errors=errors, status=400 if errors else 200
        )
    for error in errors:
        messages.error(request, error)
    if stored:
        messages.success(
            request,
            _("已上传%(n)d个文件，检查结果见附件列表（检查中的文件请稍后刷新页面）。")
            % {"n": len(stored)},
        )
    return redirect(_section_url(declaration, slot))


@login_required
@require_GET
def status(request, pk: int):
    """One file's row; while the file is being checked the row asks again every 2 seconds."""
    attachment = selectors.get_attachment_for_viewer(request.user, pk)
    return render(
        request,
        "attachments/_file.html",
        {
            "attachment": attachment,
            "editable": _can_edit(request.user, attachment.declaration),
        },
    )


@login_required
@require_POST
def delete(request, pk: int):
    attachment = selectors.get_attachment_for_viewer(request.user, pk)
    declaration, slot = attachment.declaration, attachment.slot
    errors = []
    try:
        services.delete_attachment(actor=request.user, attachment=attachment)
    except ValidationError as error:
        errors = error.messages
    if request.htmx:
        return _render_slot(
            request, declaration, slot, errors=errors, status=400 if errors else 200
        )
    for error in errors:
        messages.error(request, error)
    if not errors:
        messages.success(request, _("已删除“%(name)s”。") % {"name": attachment.original_name})
    return redirect(_section_url(declaration, slot))


def _content_disposition(inline: bool, name: str, kind: str) -> str:
    """RFC 6266 with RFC 5987 filename*: an ASCII fallback for old clients and the original
    (Chinese) name for everyone else. The name always ends with the extension of the content's
    type (names stored before uploads were renamed are corrected here too)."""
    disposition = "inline" if inline else "attachment"
    name = name_for_kind(name, kind)
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        fallback = f"file.{EXTENSIONS.get(kind, 'bin')}"
        return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'{disposition}; filename="{escaped}"'


def _private_headers(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def _not_servable(request, attachment: Attachment):
    """Only a file that passed its check goes out: never one being checked, never a refused one
    (not even to its owner, who sees its name and reason on the page). Returns the 403 page
    that says why, or None when the file may be served."""
    if attachment.status == Attachment.Status.VALID:
        return None
    if attachment.status == Attachment.Status.REJECTED:
        message = _("该文件未通过检查，不提供下载：%(r)s") % {"r": attachment.reason}
    else:
        message = _("文件正在检查，检查通过后才能下载，请稍候。")
    return render(
        request,
        "attachments/unavailable.html",
        {"attachment": attachment, "message": message},
        status=403,
    )


@login_required
@require_GET
def download(request, pk: int):
    """The file, after the permission check (core.files: streamed, or handed to nginx or S3).
    ?inline=1 shows an image or PDF in the browser; ?inline=frame does the same inside a frame
    of this site's own pages (the review page embeds PDFs): only that response may be framed,
    and only by the same origin."""
    attachment = selectors.get_attachment_for_viewer(request.user, pk)
    if refused := _not_servable(request, attachment):
        return refused
    framed = request.GET.get("inline") == "frame"
    inline = framed or request.GET.get("inline") == "1"
    try:
        response = private_file_response(
            attachment.file,
            content_type=CONTENT_TYPES[attachment.kind],
            disposition=_content_disposition(inline, attachment.original_name, attachment.kind),
        )
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    _private_headers(response)
    if framed:
        response["Content-Security-Policy"] = f"{SANDBOX_CSP}; frame-ancestors 'self'"
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@login_required
@require_GET
def thumbnail(request, pk: int):
    attachment = selectors.get_attachment_for_viewer(request.user, pk)
    if refused := _not_servable(request, attachment):
        return refused
    if not attachment.thumbnail:
        raise Http404(_("该文件没有缩略图。"))
    try:
        response = private_file_response(
            attachment.thumbnail, content_type="image/jpeg", disposition="inline"
        )
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    return _private_headers(response)
