from django.urls import path

from servicehall.appointments import views

app_name = "appointments"
urlpatterns = [
    path("book/<slug:hall_code>/", views.portal, name="portal"),
    path("book/<slug:hall_code>/find/", views.find, name="find"),
    path("book/<slug:hall_code>/s/<str:item_code>/", views.slots, name="slots"),
    path("book/<slug:hall_code>/s/<str:item_code>/hold", views.hold, name="hold"),
    path("book/<slug:hall_code>/s/<str:item_code>/waitlist", views.waitlist, name="waitlist"),
    path("book/<slug:hall_code>/a/<str:public_id>/", views.manage, name="manage"),
    path("book/<slug:hall_code>/a/<str:public_id>/details", views.details, name="details"),
    path("book/<slug:hall_code>/a/<str:public_id>/cancel", views.cancel, name="cancel"),
    path("book/<slug:hall_code>/a/<str:public_id>/accept", views.accept, name="accept"),
    path("book/<slug:hall_code>/a/<str:public_id>/move", views.move, name="move"),
    path("kiosk/<slug:hall_code>/check-in/", views.kiosk_check_in, name="kiosk_check_in"),
    path("staff/<slug:hall_code>/appointments/", views.calendar_view, name="calendar"),
]
