from django.urls import path

from servicehall.guides import views

app_name = "guides"
urlpatterns = [
    path("staff/<slug:hall_code>/guides/", views.guide_list, name="list"),
    path("staff/<slug:hall_code>/guides/procedures/", views.procedure_list, name="procedures"),
    path("staff/<slug:hall_code>/guides/procedures/new/", views.procedure_edit, name="procedure-new"),
    path("staff/<slug:hall_code>/guides/procedures/<int:pk>/", views.procedure_edit, name="procedure-edit"),
    path("staff/<slug:hall_code>/guides/uses/", views.use_log, name="uses"),
    path("staff/<slug:hall_code>/guides/items/<str:code>/", views.guide_edit, name="edit"),
    path(
        "staff/<slug:hall_code>/guides/items/<str:code>/v/<int:version>/", views.guide_version, name="version"
    ),
]
