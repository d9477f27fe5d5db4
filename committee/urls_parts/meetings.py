"""URLs of the committee stage: experts, members, meetings and the experts' votes."""

from django.urls import path

from committee.views import experts, meetings, voting

urlpatterns = [
    path("committee/experts/", experts.expert_list, name="expert_list"),
    path("committee/experts/new/", experts.expert_new, name="expert_new"),
    path("committee/experts/import/", experts.expert_import, name="expert_import"),
    path("committee/experts/<int:pk>/edit/", experts.expert_edit, name="expert_edit"),
    path(
        "committee/experts/<int:pk>/deactivate/",
        experts.expert_deactivate,
        name="expert_deactivate",
    ),
    path("committee/members/", experts.members, name="members"),
    path("committee/meetings/", meetings.meeting_list, name="meeting_list"),
    path("committee/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("committee/meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("committee/meetings/<int:pk>/add/", meetings.meeting_add, name="meeting_add"),
    path(
        "committee/meetings/<int:pk>/remove/<int:declaration_id>/",
        meetings.meeting_remove,
        name="meeting_remove",
    ),
    path("committee/meetings/<int:pk>/draw/", meetings.meeting_draw, name="meeting_draw"),
    path(
        "committee/meetings/<int:pk>/attendance/",
        meetings.meeting_attendance,
        name="meeting_attendance",
    ),
    path("committee/meetings/<int:pk>/open/", meetings.meeting_open, name="meeting_open"),
    path("committee/meetings/<int:pk>/close/", meetings.meeting_close, name="meeting_close"),
    path(
        "committee/meetings/<int:pk>/items/<int:item_id>/opinion/",
        meetings.meeting_opinion,
        name="meeting_opinion",
    ),
    path("committee/expert/", voting.expert_home, name="expert_home"),
    path("committee/expert/meetings/<int:pk>/", voting.expert_meeting, name="expert_meeting"),
    path("committee/expert/items/<int:pk>/", voting.expert_item, name="expert_item"),
    path("committee/expert/items/<int:pk>/vote/", voting.vote, name="vote"),
    path(
        "committee/expert/items/<int:pk>/conflict/",
        voting.declare_conflict,
        name="declare_conflict",
    ),
]
