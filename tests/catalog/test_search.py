"""Catalogue search: Chinese words in simplified or traditional characters, full pinyin, and pinyin
initials — what a citizen types on a kiosk."""

import pytest

from servicehall.catalog.selectors import item_list

pytestmark = pytest.mark.django_db


def _names(hall, query):
    return [i.name for i in item_list(hall=hall, query=query)]


def test_pinyin_initials_find_the_passport_first(hall_a, catalog_a):
    assert _names(hall_a, "hz")[0] == "普通护照签发"


def test_simplified_and_traditional_characters_find_the_same_item(hall_a, catalog_a):
    assert "普通护照签发" in _names(hall_a, "护照")
    assert "普通护照签发" in _names(hall_a, "護照")


def test_full_pinyin_and_several_words_narrow_the_results(hall_a, catalog_a):
    assert "普通护照签发" in _names(hall_a, "huzhao")
    both = _names(hall_a, "结婚 登记")
    assert both and all("结婚" in n or "婚" in n for n in both)


def test_a_query_that_matches_nothing_returns_nothing(hall_a, catalog_a):
    assert _names(hall_a, "火星移民") == []


def test_search_never_shows_another_halls_items(hall_b, catalog_a):
    assert _names(hall_b, "hz") == []


def test_the_public_api_searches_and_reports_the_ticket_prefix(api_as, hall_a, catalog_a):
    status, rows = api_as(None).call("GET", f"halls/{hall_a.code}/services?q=hz")
    assert status == 200
    assert rows[0]["name"] == "普通护照签发"
    assert rows[0]["ticket_prefix"] == "B"
    assert {"code", "name", "ticket_prefix"} <= set(rows[0])


def test_the_catalogue_page_searches_by_initials(client, hall_a, catalog_a):
    page = client.get(f"/catalog/{hall_a.code}/", {"q": "hz"})
    assert "普通护照签发" in page.content.decode()


def test_everyday_keywords_find_the_formal_item_name(hall_a, catalog_a):
    assert _names(hall_a, "社保卡")[0] == "社会保障卡申领"
    assert _names(hall_a, "sbk")[0] == "社会保障卡申领"
    assert "二手房转移登记" in " ".join(_names(hall_a, "过户"))
