from django.urls import path

from servicehall.feedback import views

app_name = "feedback"
urlpatterns = [
    path("feedback/track/", views.track, name="track"),
    path("feedback/<slug:hall_code>/", views.leave, name="leave"),
    path("staff/<slug:hall_code>/feedback/", views.staff_list, name="staff-list"),
    path("staff/<slug:hall_code>/feedback/<str:item_id>/", views.staff_item, name="staff-item"),
    path(
        "staff/<slug:hall_code>/feedback/<str:item_id>/files/<int:attachment_id>/",
        views.staff_attachment,
        name="staff-attachment",
    ),
]
