from django.urls import path

from servicehall.kiosk import views

app_name = "kiosk"
urlpatterns = [
    path("<slug:hall_code>/", views.home, name="home"),
    path("<slug:hall_code>/items/<str:item_code>/", views.item, name="item"),
]
