from django.urls import path

from servicehall.core import views

app_name = "core"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("staff/", views.home, name="home"),
    path("staff/<slug:hall_code>/audit/", views.audit_browse, name="audit"),
]
