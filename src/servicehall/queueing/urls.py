from django.urls import path

from servicehall.queueing import views

app_name = "queueing"
urlpatterns = [
    path("t/<str:public_id>/", views.track, name="track"),
]
