from django.urls import path

from servicehall.navigation import views

app_name = "navigation"
urlpatterns = [
    path("route/<slug:hall_code>/", views.route_page, name="route"),
    path("route/<slug:hall_code>/posters/", views.posters, name="posters"),
]

# The plan editor (hall manager): views_editor keeps it apart from the public route pages.
from servicehall.navigation import views_editor  # noqa: E402

urlpatterns += [
    path("staff/<slug:hall_code>/navigation/", views_editor.editor, name="editor"),
    path("staff/<slug:hall_code>/navigation/edit/", views_editor.editor_post, name="editor_post"),
]
