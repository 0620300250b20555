from django.urls import path

from servicehall.eforms import staff_views, views

app_name = "eforms"
urlpatterns = [
    path("forms/<slug:hall_code>/<str:item_code>/", views.fill, name="fill"),
    path("forms/<slug:hall_code>/<str:item_code>/blank.pdf", views.blank_pdf, name="blank-pdf"),
    path("kiosk/<slug:hall_code>/forms/", views.kiosk_forms, name="kiosk-forms"),
    path("kiosk/<slug:hall_code>/forms/<str:item_code>/", views.kiosk_fill, name="kiosk-fill"),
    path("t/<str:public_id>/form-link", views.ticket_link, name="ticket-link"),
    path("staff/<slug:hall_code>/forms/", staff_views.staff_forms, name="staff-forms"),
    path("staff/<slug:hall_code>/forms/effect/", staff_views.effect, name="effect"),
    path(
        "staff/<slug:hall_code>/forms/ticket/<str:ticket_id>/", staff_views.counter_fill, name="counter-fill"
    ),
    path("staff/<slug:hall_code>/forms/filled/<str:code>.pdf", staff_views.filled_pdf, name="filled-pdf"),
    path(
        "staff/<slug:hall_code>/forms/filled/<str:code>/files/<slug:key>",
        staff_views.filled_file,
        name="filled-file",
    ),
    path("staff/<slug:hall_code>/forms/<str:item_code>/edit/", staff_views.editor, name="editor"),
    path("staff/<slug:hall_code>/forms/<str:item_code>/preview/", staff_views.preview, name="preview"),
]
