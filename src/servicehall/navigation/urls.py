from django.urls import path

from servicehall.navigation import views

app_name = "navigation"
urlpatterns = [
    path("route/<slug:hall_code>/", views.route_page, name="route"),
    path("route/<slug:hall_code>/posters/", views.posters, name="posters"),
]
