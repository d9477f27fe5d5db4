"""The certificate's PDF, drawn on demand and served only through this permission-checked view:
to its holder (证书状态 → 下载证书) and to the office of its committee; others get 404. A revoked
certificate is not given to the applicant (the office still sees it, marked 已撤销)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committee.selectors import certificates as selectors
from committee.services import certificates as services


@login_required
@require_GET
def download(request, pk: int):
    certificate = selectors.get_certificate_for(request.user, pk)
    is_holder = certificate.declaration.applicant_id == request.user.pk
    if is_holder and certificate.revoked_at is not None:
        messages.error(
            request,
            _("您的电子证书已于%(d)s撤销（原因：%(r)s），不能下载。")
            % {"d": certificate.revoked_at.date(), "r": certificate.revoke_reason},
        )
        return redirect("declarations:index")
    response = HttpResponse(services.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
