from django.urls import path

from servicehall.quality import views

app_name = "quality"
urlpatterns = [
    path("pad/<slug:hall_code>/", views.pad, name="pad"),
    path("pad/<slug:hall_code>/pair/", views.pad_pair, name="pad_pair"),
    path("pad/<slug:hall_code>/rate", views.pad_rate, name="pad_rate"),
    path("pad/<slug:hall_code>/state", views.pad_state, name="pad_state"),
    path("t/<str:public_id>/rate", views.phone_rate, name="rate"),
    path("q/<int:questionnaire_id>/", views.questionnaire, name="questionnaire"),
    path("kiosk/<slug:hall_code>/rate/", views.kiosk_rate, name="kiosk_rate"),
    path("staff/<slug:hall_code>/quality/", views.office, name="office"),
    path("staff/<slug:hall_code>/quality/cases/", views.archive, name="archive"),
    path("staff/<slug:hall_code>/quality/report/", views.report_page, name="report"),
    path("staff/<slug:hall_code>/quality/systems/<int:system_id>/", views.system_page, name="system"),
    path(
        "staff/<slug:hall_code>/quality/questionnaires/<int:questionnaire_id>/",
        views.questionnaire_edit,
        name="questionnaire_edit",
    ),
]
