from django.urls import path

from servicehall.staff import views, views_hall, views_rota

app_name = "staff"
urlpatterns = [
    path("staff/<slug:hall_code>/people/", views.people, name="people"),
    path("staff/<slug:hall_code>/people/<str:username>/", views.person, name="person"),
    path("staff/<slug:hall_code>/staff-settings/", views.staff_settings, name="settings"),
    path("staff/<slug:hall_code>/windows/", views_hall.counters, name="counters"),
    path(
        "staff/<slug:hall_code>/windows/<int:counter_id>/",
        views_hall.counter_services,
        name="counter-services",
    ),
    path("staff/<slug:hall_code>/service-settings/", views_hall.items, name="items"),
    path("staff/<slug:hall_code>/devices/", views_hall.devices, name="devices"),
    path("staff/<slug:hall_code>/hours/", views_hall.hours, name="hours"),
    path("staff/<slug:hall_code>/rota/", views_rota.rota, name="rota"),
    path("staff/<slug:hall_code>/rota/today/", views_rota.today, name="today"),
    path("photo/<slug:hall_code>/<str:key>.jpg", views.photo, name="photo"),
    path("display/<slug:hall_code>/window-cards.json", views.window_cards, name="window-cards"),
]
