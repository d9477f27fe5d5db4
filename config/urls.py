from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from applicants import views as applicant_views
from core import health

admin.site.site_header = _("职称申报评审平台 管理后台")
admin.site.site_title = _("职称申报评审平台")

urlpatterns = [
    path("", applicant_views.home, name="home"),
    path("accounts/", include("applicants.urls")),
    path("org/", include("institutions.urls")),
    path("declarations/", include("declarations.urls")),
    path("attachments/", include("attachments.urls")),
    path("review/", include("review.urls")),
    path("documents/", include("documents.urls")),
    # /committee/… and the public /verify/… of certificates.
    path("", include("committee.urls")),
    path("stats/", include("stats.urls")),
    path("help/", include("guides.urls")),
    path("captcha/", include("captcha.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Answered by core.health.HealthCheckMiddleware before the middleware below it; named here
    # for reverse() and for a project whose middleware list lacks it.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
