from django.urls import path

from servicehall.queueing import views

app_name = "queueing"
urlpatterns = [
    path("display/<slug:hall_code>/", views.board, name="board"),
    path("display/<slug:hall_code>/state", views.board_state_json, name="board-state"),
    path("console/<slug:hall_code>/", views.console, name="console"),
    path("t/<str:public_id>/", views.track, name="track"),
    path("take/<slug:hall_code>/<str:item_code>/", views.take, name="take"),
]
