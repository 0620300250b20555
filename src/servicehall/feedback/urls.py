from django.urls import path

from servicehall.feedback import kiosk_views, views

app_name = "feedback"
urlpatterns = [
    path("feedback/track/", views.track, name="track"),
    path("feedback/<slug:hall_code>/", views.leave, name="leave"),
    path("kiosk/<slug:hall_code>/feedback/", kiosk_views.kiosk_leave, name="kiosk-leave"),
    path("kiosk/<slug:hall_code>/feedback/track/", kiosk_views.kiosk_track, name="kiosk-track"),
    path("staff/<slug:hall_code>/feedback/", views.staff_list, name="staff-list"),
    path("staff/<slug:hall_code>/feedback/<str:item_id>/", views.staff_item, name="staff-item"),
    path(
        "staff/<slug:hall_code>/feedback/<str:item_id>/files/<int:attachment_id>/",
        views.staff_attachment,
        name="staff-attachment",
    ),
]
