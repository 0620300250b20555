from django.urls import path

from servicehall.training import views

app_name = "training"
urlpatterns = [
    path("staff/<slug:hall_code>/training/", views.manage, name="manage"),
    path("staff/<slug:hall_code>/training/courses/<int:course_id>/", views.course, name="course"),
    path("staff/<slug:hall_code>/training/levels/", views.levels, name="levels"),
    path("staff/<slug:hall_code>/training/me/", views.mine, name="mine"),
    path(
        "staff/<slug:hall_code>/training/courses/<int:course_id>/exam/", views.exam_start, name="exam-start"
    ),
    path("staff/<slug:hall_code>/training/attempts/<int:attempt_id>/", views.attempt, name="attempt"),
    path("staff/<slug:hall_code>/training/materials/<int:material_id>/", views.material, name="material"),
]
