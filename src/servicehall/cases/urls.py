from django.urls import path

from servicehall.cases import views

app_name = "cases"
urlpatterns = [
    path("cases/track/", views.track, name="track"),
    path("cases/apply/", views.apply_from_form, name="apply-form"),
    path("cases/track/<str:number>/receipt.pdf", views.citizen_receipt, name="citizen-receipt"),
    path("cases/track/<str:number>/files/<int:attachment_id>/", views.citizen_file, name="citizen-file"),
    path("kiosk/<slug:hall_code>/progress/", views.kiosk_progress, name="kiosk"),
    path("staff/<slug:hall_code>/cases/", views.staff_list, name="staff-list"),
    path("staff/<slug:hall_code>/cases/ledger/", views.staff_ledger, name="ledger"),
    path("staff/<slug:hall_code>/cases/window/<str:ticket_id>/", views.window_case, name="window"),
    path("staff/<slug:hall_code>/cases/<str:case_id>/", views.staff_case, name="staff-case"),
    path("staff/<slug:hall_code>/cases/<str:case_id>/receipt.pdf", views.staff_receipt, name="staff-receipt"),
    path(
        "staff/<slug:hall_code>/cases/<str:case_id>/files/<int:attachment_id>/",
        views.staff_file,
        name="staff-file",
    ),
]
