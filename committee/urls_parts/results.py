"""URLs of the committee stage: results, revocation, certificates and the public check
(owned by that area)."""

from django.urls import path

from committee.views import certificates, results, verify

urlpatterns: list = [
    # Public (no login).
    path("committee/results/", results.public_list, name="results_public_list"),
    path("committee/results/<int:pk>/", results.public_notice, name="results_public_notice"),
    path("verify/", verify.verify_form, name="verify_form"),
    path("verify/<str:code>/", verify.verify_code, name="verify"),
    # The committee office.
    path("committee/results/office/", results.office_index, name="results_office"),
    path(
        "committee/results/office/meeting/<int:meeting_pk>/publish/",
        results.publish,
        name="results_publish",
    ),
    path("committee/results/office/<int:pk>/", results.office_notice, name="results_office_notice"),
    path(
        "committee/results/office/<int:pk>/objections/",
        results.add_objection,
        name="results_add_objection",
    ),
    path(
        "committee/results/office/<int:pk>/objections/<int:objection_pk>/handle/",
        results.handle_objection,
        name="results_handle_objection",
    ),
    path("committee/results/office/<int:pk>/confirm/", results.confirm, name="results_confirm"),
    path("committee/results/office/<int:pk>/cancel/", results.cancel, name="results_cancel"),
    # The HR bureau (备案).
    path("committee/results/registry/", results.bureau_index, name="results_registry"),
    path(
        "committee/results/registry/<int:pk>/",
        results.bureau_notice,
        name="results_registry_notice",
    ),
    path(
        "committee/results/registry/<int:pk>/register/",
        results.register,
        name="results_register",
    ),
    # Revocation (office or HR bureau).
    path(
        "committee/results/declarations/<int:pk>/revoke/",
        results.revoke,
        name="results_revoke",
    ),
    # Certificates.
    path(
        "committee/certificates/<int:pk>/download/",
        certificates.download,
        name="certificate_download",
    ),
]
