"""Addresses that lead nowhere and failures on our side: a page in the site's layout and the reader's
language under the site, the API's JSON error shape under /api/ (never Django's bare "Not Found")."""

import pytest
from django.test import Client
from django.urls import path

from servicehall.urls import urlpatterns as site_urls


def _boom(request):
    raise RuntimeError("the database went away")


# A URL conf that adds a failing page and a failing API path to the site's, with the site's handlers.
urlpatterns = [path("boom/", _boom), path("api/v1/boom", _boom), *site_urls]
handler404 = "servicehall.core.views.not_found"
handler500 = "servicehall.core.views.server_error"


@pytest.mark.django_db
def test_a_mistyped_page_address_answers_a_page_in_the_readers_language():
    client = Client()
    response = client.get("/t/no-such-ticket-link/x/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到相关内容" in html and 'href="/"' in html and "ServiceHall" in html
    client.cookies["django_language"] = "en"
    html = client.get("/no/such/page/").content.decode()
    assert (
        "Not found." in html
        and "Error code" in html
        and "Content-Security-Policy" in client.get("/nope/").headers
    )


@pytest.mark.django_db
def test_a_mistyped_api_path_answers_the_api_error_shape():
    response = Client().get("/api/v1/no-such-endpoint", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body == {"error": "not_found", "message": "Not found.", "fields": {}}  # as an unknown record's 404


@pytest.mark.django_db
def test_a_failure_on_our_side_shows_a_calm_page_and_json_under_the_api(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    page = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 500
    text = page.content.decode()
    assert "没有保存" in text and "server_error" in text and "staff.css" in text
    assert "database" not in text  # nothing of the real error leaks
    api = client.get("/api/v1/boom", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 500 and api.json()["error"] == "server_error"
    assert "Nothing was saved" in api.json()["message"]
