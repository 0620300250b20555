"""Top-level URLs: the API, the admin, language switching, and each app's pages."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from servicehall.api import api
from servicehall.core.forms import AdminLoginForm
from servicehall.live.views import hall_events

handler404 = "servicehall.core.views.not_found"
handler500 = "servicehall.core.views.server_error"

admin.site.site_header = "ServiceHall"
admin.site.login_form = AdminLoginForm
admin.site.site_title = "ServiceHall"

urlpatterns = [
    # The SSE stream is a plain async view (Ninja's sync pipeline would hold a thread per screen).
    path("api/v1/halls/<slug:hall_code>/events", hall_events, name="hall-events"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("kiosk/", include("servicehall.kiosk.urls")),
    path("catalog/", include("servicehall.catalog.urls")),
    path("", include("servicehall.appointments.urls")),
    path("", include("servicehall.quality.urls")),
    path("", include("servicehall.customers.urls")),
    path("", include("servicehall.feedback.urls")),
    path("", include("servicehall.guides.urls")),
    path("", include("servicehall.consult.urls")),
    path("", include("servicehall.eforms.urls")),
    path("", include("servicehall.cases.urls")),
    path("", include("servicehall.training.urls")),
    path("", include("servicehall.queueing.urls")),
    path("", include("servicehall.navigation.urls")),
    path("", include("servicehall.analytics.urls")),
    path("", include("servicehall.staff.urls")),
    path("", include("servicehall.core.urls")),
]
