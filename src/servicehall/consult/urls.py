from django.urls import path

from servicehall.consult import views, views_staff

app_name = "consult"
urlpatterns = [
    path("ask/track/", views.track, name="track"),
    path("ask/<slug:hall_code>/", views.ask, name="ask"),
    path("ask/<slug:hall_code>/person/", views.person, name="person"),
    path("kiosk/<slug:hall_code>/ask/", views.kiosk_ask, name="kiosk-ask"),
    path("staff/<slug:hall_code>/consult/", views_staff.thread_list, name="staff-list"),
    path("staff/<slug:hall_code>/consult/faq/", views_staff.faq_list, name="staff-faq"),
    path("staff/<slug:hall_code>/consult/faq/<int:faq_id>/", views_staff.faq_edit, name="staff-faq-edit"),
    path("staff/<slug:hall_code>/consult/<str:thread_id>/", views_staff.thread_detail, name="staff-thread"),
]
