from django.urls import path

from servicehall.customers import views

app_name = "customers"
urlpatterns = [
    path("staff/<slug:hall_code>/customers/", views.lookup, name="lookup"),
    path("staff/<slug:hall_code>/customers/collection/", views.collection_page, name="collection"),
    path("staff/<slug:hall_code>/customers/statistics/", views.statistics_page, name="statistics"),
    path("staff/<slug:hall_code>/customers/<int:person_id>/", views.person_page, name="person"),
]
