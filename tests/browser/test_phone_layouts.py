"""A citizen on a phone (390×844): the header is one compact bar without developer links, and the
materials of an item read as one card each instead of a six-column table one character wide."""

import pytest

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_item_page_on_a_phone_reads_materials_as_cards_and_keeps_the_header_short(site, new_page):
    page = new_page(viewport=PHONE)
    item = site.items[0]
    page.goto(site.path(f"/catalog/{site.hall_code}/items/{item['code']}/"))
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 96, header  # brand, languages and sign-in: at most two short rows
    assert page.locator("header.topbar a[href='/api/v1/docs']").count() == 0
    assert page.locator("footer a[href='/api/v1/docs']").count() == 1
    names = page.locator(".table.materials td.mat-name")
    assert names.count() >= 1
    for i in range(names.count()):
        box = names.nth(i).bounding_box()
        assert box["width"] >= 250, box  # the whole card's width, not a sliver
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the screen
