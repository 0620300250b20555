from django.urls import path

from servicehall.analytics import views

app_name = "analytics"
urlpatterns = [
    path("staff/<slug:hall_code>/analytics/forecast/", views.forecast_page, name="forecast"),
    path("staff/<slug:hall_code>/analytics/staffing/", views.staffing_page, name="staffing"),
    path("staff/<slug:hall_code>/analytics/what-if/", views.whatif_page, name="whatif"),
]
