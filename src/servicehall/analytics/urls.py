from django.urls import path

from servicehall.analytics import views, views_changes, views_dashboard, views_history

app_name = "analytics"
urlpatterns = [
    path("staff/<slug:hall_code>/analytics/dashboard/", views_dashboard.dashboard_page, name="dashboard"),
    path("staff/<slug:hall_code>/analytics/alerts/", views_dashboard.alerts_page, name="alerts"),
    path(
        "staff/<slug:hall_code>/analytics/alert-settings/",
        views_dashboard.alert_settings_page,
        name="alert-settings",
    ),
    path("staff/<slug:hall_code>/analytics/history/", views_history.history_page, name="history"),
    path("staff/<slug:hall_code>/analytics/changes/", views_changes.changes_page, name="changes"),
    path("staff/<slug:hall_code>/analytics/forecast/", views.forecast_page, name="forecast"),
    path("staff/<slug:hall_code>/analytics/staffing/", views.staffing_page, name="staffing"),
    path("staff/<slug:hall_code>/analytics/what-if/", views.whatif_page, name="whatif"),
]
