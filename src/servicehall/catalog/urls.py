from django.urls import path

from servicehall.catalog import views

app_name = "catalog"
urlpatterns = [
    path("<slug:hall_code>/", views.index, name="index"),
    path("<slug:hall_code>/items/<str:item_code>/", views.detail, name="detail"),
    path("<slug:hall_code>/items/<str:item_code>/checklist/", views.checklist, name="checklist"),
    path(
        "<slug:hall_code>/items/<str:item_code>/checklist.pdf", views.checklist_pdf_view, name="checklist_pdf"
    ),
]
