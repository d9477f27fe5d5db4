from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applicants import services as applicant_services
from applicants.views import personal_required


@personal_required
def index(request):
    """专业技术职称: the first entry shows the commitment (承诺书) until it is agreed."""
    if not applicant_services.has_agreed_commitment(request.user):
        return redirect("declarations:commitment")
    return render(request, "declarations/index.html")


@personal_required
@require_http_methods(["GET", "POST"])
def commitment(request):
    if request.method == "POST":
        if request.POST.get("agree") != "yes":
            messages.error(request, _("请阅读承诺书并勾选“我同意”后再继续。"))
        else:
            applicant_services.agree_commitment(
                actor=request.user, ip_address=request.META.get("REMOTE_ADDR")
            )
            messages.success(request, _("您已签署申报承诺书。"))
            return redirect("declarations:index")
    return render(
        request,
        "declarations/commitment.html",
        {
            "agreed": applicant_services.has_agreed_commitment(request.user),
        },
    )
