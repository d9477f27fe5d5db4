from django.urls import path

from review.views import (  # queue + reporting, review page + decisions, notices + exports
    decision,
    notices,
    queue,
)

app_name = "review"

urlpatterns = [
    # queue + reporting (review/views/queue.py)
    path("", queue.queue, name="queue"),
    path("report/confirm/", queue.report_confirm, name="report_confirm"),
    path("report/", queue.report, name="report"),
    # review page + decisions (review/views/decision.py)
    path("<int:pk>/", decision.detail, name="detail"),
    path("<int:pk>/sections/<str:code>/", decision.section_result, name="section_result"),
    path("<int:pk>/decide/<str:action>/", decision.decide, name="decide"),
    # public notices + exports (review/views/notices.py)
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/export/", notices.notice_export, name="notice_export"),
    path("notices/<int:pk>/correct/", notices.notice_correct, name="notice_correct"),
    path("notices/<int:pk>/cancel/", notices.notice_cancel, name="notice_cancel"),
    path(
        "notices/<int:pk>/objections/<int:objection_pk>/",
        notices.objection_handle,
        name="objection_handle",
    ),
    path("export/summary/", notices.summary_export, name="summary_export"),
]
