from django.urls import path

from servicehall.kiosk import views

app_name = "kiosk"
urlpatterns = [
    path("<slug:hall_code>/", views.home, name="home"),
    path("<slug:hall_code>/pair/", views.pair, name="pair"),
    path("<slug:hall_code>/items/<str:item_code>/", views.item, name="item"),
    path("<slug:hall_code>/items/<str:item_code>/ticket", views.take, name="take"),
    path("<slug:hall_code>/tickets/<str:public_id>/", views.ticket, name="ticket"),
    path("<slug:hall_code>/find/", views.find, name="find"),
    path("<slug:hall_code>/find/route/", views.route, name="route"),
]
