"""The public pages as a citizen (and a staff member) sees them in a real browser: sign-in, language
switching, catalogue search, item detail, the printable checklist and its PDF, the kiosk and the
display board, plus what must never happen (third-party requests, console errors, a lax CSP)."""

import io
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HALL_NAME = "青山区政务服务中心"
PASSPORT = "普通护照签发"
PASSPORT_EN = "Issuing an ordinary passport"
SOCIAL_CARD = "社会保障卡申领"
KIOSK = {"width": 1080, "height": 1920}
BOARD = {"width": 1920, "height": 1080}


def html_lang(page):
    return page.locator("html")


def result_names(page) -> list[str]:
    return [t.strip() for t in page.locator(".item-row a.item-name").all_inner_texts()]


def search(page, site, query: str) -> None:
    page.goto(site.catalog)
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"[?&]q="))


def switch_language(page, code: str) -> None:
    page.locator(f'form.lang-switch button[name="language"][value="{code}"]').first.click()


# --- Landing and staff sign-in -------------------------------------------------------------------


def test_landing_lists_the_hall_and_links_to_its_catalogue(site, page):
    page.goto(site.path("/"))
    expect(page.get_by_role("heading", name=HALL_NAME)).to_be_visible()
    page.locator(f'a[href="/catalog/{site.hall_code}/"]').first.click()
    page.wait_for_url(site.catalog)
    expect(page.locator(".item-row")).to_have_count(len(site.items))


def test_manager_signs_in_and_sees_the_hall(site, page):
    page.goto(site.path("/login/"))
    page.fill("#id_username", "manager")
    page.fill("#id_password", "servicehall-demo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(site.path("/staff/"))
    expect(page.locator("h1")).to_contain_text("王主任")  # the manager's display name (data)
    expect(page.get_by_role("heading", name=HALL_NAME)).to_be_visible()
    expect(page.locator(".field-error")).to_have_count(0)


def test_wrong_password_shows_a_field_error_and_stays_on_login(site, page):
    page.goto(site.path("/login/"))
    page.fill("#id_username", "manager")
    page.fill("#id_password", "not-the-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.split("?")[0] == site.path("/login/")
    error = page.locator(".field.has-error:has(#id_password) .field-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#id_username")).to_have_value("manager")
    # Still signed out: the staff home sends us back to the sign-in page.
    page.goto(site.path("/staff/"))
    assert page.url.startswith(site.path("/login/"))


# --- Language switching --------------------------------------------------------------------------


def test_language_switch_returns_to_the_page_and_persists(site, page, screenshot):
    page.goto(site.catalog + "?q=hz")
    expect(html_lang(page)).to_have_attribute("lang", "zh-CN")
    expect(page.locator('form.lang-switch button[value="zh-hans"]')).to_have_attribute("aria-current", "true")

    switch_language(page, "en")
    expect(html_lang(page)).to_have_attribute("lang", "en")
    assert page.url == site.catalog + "?q=hz", "the switch should return to the same search"
    assert result_names(page)[0] == PASSPORT_EN  # the hall's content in English too
    expect(page.locator('form.lang-switch button[value="en"]')).to_have_attribute("aria-current", "true")

    page.locator(".item-row a.item-name", has_text=PASSPORT_EN).click()
    page.wait_for_url(re.compile(r"/items/"))
    expect(html_lang(page)).to_have_attribute("lang", "en")  # persists to the next page
    expect(page.locator("h1")).to_have_text(PASSPORT_EN)
    screenshot(page, "item-en.png", full_page=True)

    item_url = page.url
    switch_language(page, "zh-hant")
    expect(html_lang(page)).to_have_attribute("lang", "zh-TW")
    assert page.url == item_url
    page.goto(site.catalog)
    expect(html_lang(page)).to_have_attribute("lang", "zh-TW")

    switch_language(page, "zh-hans")
    expect(html_lang(page)).to_have_attribute("lang", "zh-CN")


# --- Catalogue search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hz", PASSPORT),  # pinyin initials of 护照
        ("huzhao", PASSPORT),  # full pinyin
        ("护照", PASSPORT),  # simplified Chinese
        ("護照", PASSPORT),  # traditional Chinese
        ("社会保障卡", SOCIAL_CARD),
    ],
)
def test_search_finds_the_service_first(site, page, query, expected):
    search(page, site, query)
    expect(page.locator("#q")).to_have_value(query)
    names = result_names(page)
    assert names, f"no result for {query!r}"
    assert names[0] == expected, f"{query!r} listed {names} first"


def test_search_results_in_chinese(site, page, screenshot):
    search(page, site, "登记")
    names = result_names(page)
    expected = {i["name"] for i in site.items if "登记" in i["name"]}
    assert expected <= set(names)
    screenshot(page, "catalog-zh.png", full_page=True)


def test_category_link_filters_the_list(site, page):
    page.goto(site.catalog)
    category = "出入境"
    expected = sorted(i["name"] for i in site.items if i["category"] == category)
    page.locator(".facet-list a", has_text=category).first.click()
    page.wait_for_url(re.compile(r"[?&]category=\d+"))
    assert sorted(result_names(page)) == expected
    expect(page.locator(".facet-list a.is-current")).to_contain_text(category)


# --- Item detail, print checklist, PDF -----------------------------------------------------------


def test_item_from_results_shows_every_material(site, page, screenshot):
    item = site.item(PASSPORT)
    search(page, site, "hz")
    page.locator(".item-row a.item-name").first.click()
    page.wait_for_url(site.path(f"/catalog/{site.hall_code}/items/{quote(item['code'])}/"))
    expect(page.locator("h1")).to_have_text(PASSPORT)
    rows = page.locator("table.materials tbody tr")
    expect(rows).to_have_count(len(item["materials"]))
    assert [t.strip() for t in page.locator("table.materials .mat-name").all_inner_texts()] == [
        m["name"] for m in item["materials"]
    ]
    screenshot(page, "item-zh.png", full_page=True)


def test_print_checklist_prints_and_lists_all_materials(site, page, screenshot):
    page.add_init_script("window.__printCalls = 0; window.print = function () { window.__printCalls += 1; };")
    item = site.item(PASSPORT)
    page.goto(site.path(f"/catalog/{site.hall_code}/items/{item['code']}/"))
    page.locator('a[href$="/checklist/"]').first.click()
    page.wait_for_url(re.compile(r"/checklist/$"))
    sheet = page.locator("article.sheet")
    expect(sheet).to_contain_text(item["name"])
    expect(sheet).to_contain_text(HALL_NAME)
    for material in item["materials"]:
        expect(sheet).to_contain_text(material["name"])
    screenshot(page, "checklist-zh.png", full_page=True)

    page.click("#print-now")
    assert page.evaluate("window.__printCalls") == 1
    # On paper only the sheet appears: the toolbar with the print button is hidden.
    page.emulate_media(media="print")
    expect(page.locator("#print-now")).to_be_hidden()
    expect(sheet).to_be_visible()


def test_checklist_pdf_contains_the_item_name(site, page):
    from pypdf import PdfReader

    item = site.item(PASSPORT)
    page.goto(site.path(f"/catalog/{site.hall_code}/items/{item['code']}/"))
    href = page.locator('a[href$="checklist.pdf"]').first.get_attribute("href")
    response = page.request.get(site.path(href) if href.startswith("/") else href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    body = response.body()
    assert body.startswith(b"%PDF")
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)
    assert item["name"] in text
    assert HALL_NAME in text


# --- Kiosk and display board ---------------------------------------------------------------------


def test_kiosk_tiles_are_touch_sized_and_large_print_toggles(site, new_page, recorder, screenshot):
    page = new_page(viewport=KIOSK, recorder=recorder)
    page.goto(site.path(f"/kiosk/{site.hall_code}/"))
    tiles = page.locator("a.kbtn-tile")
    categories = {i["category"] for i in site.items}
    expect(tiles).to_have_count(len(categories))
    screenshot(page, "kiosk-zh.png")

    def tile_heights():
        return [tiles.nth(i).bounding_box()["height"] for i in range(tiles.count())]

    assert min(tile_heights()) >= 64, tile_heights()
    html = page.locator("html")
    toggle = page.locator("#large-print")
    base_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    expect(html).not_to_have_class(re.compile(r"\blarge-print\b"))

    toggle.click()
    expect(html).to_have_class(re.compile(r"\blarge-print\b"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > base_size
    assert min(tile_heights()) >= 64

    page.reload()  # kept for the visit (until the idle timeout)
    expect(html).to_have_class(re.compile(r"\blarge-print\b"))

    page.locator("#large-print").click()
    expect(html).not_to_have_class(re.compile(r"\blarge-print\b"))
    expect(page.locator("#large-print")).to_have_attribute("aria-pressed", "false")

    # A tile opens that category's services.
    page.locator("a.kbtn-tile", has_text="出入境").click()
    expect(page.locator("a.kbtn-row")).to_have_count(sum(1 for i in site.items if i["category"] == "出入境"))
    assert not recorder.errors(), recorder.errors()


def test_display_board_shows_hall_windows_and_clock(site, new_page, recorder, screenshot):
    page = new_page(viewport=BOARD, recorder=recorder)
    page.goto(site.path(f"/display/{site.hall_code}/"))
    expect(page.locator("h1")).to_have_text(HALL_NAME)
    expect(page.locator(".counter-tile")).to_have_count(12)
    expect(page.locator("#clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    screenshot(page, "board-1920x1080.png")
    assert not recorder.errors(), recorder.errors()


# --- Privacy, robustness, security ---------------------------------------------------------------


def _public_paths(site) -> list[str]:
    code = site.item(PASSPORT)["code"]
    hall = site.hall_code
    return [
        "/",
        f"/catalog/{hall}/",
        f"/catalog/{hall}/?q=hz",
        f"/catalog/{hall}/items/{code}/",
        f"/catalog/{hall}/items/{code}/checklist/",
        f"/kiosk/{hall}/",
        f"/kiosk/{hall}/items/{code}/",
        f"/display/{hall}/",
        "/login/",
    ]


def test_no_request_leaves_the_server(site, page, recorder):
    for path in _public_paths(site):
        page.goto(site.path(path))
        page.wait_for_load_state("networkidle")
    page.locator('form.lang-switch button[value="en"]').first.click()
    page.wait_for_load_state("networkidle")
    assert recorder.requests
    outside = [u for u in recorder.requests if not u.startswith((site.url + "/", "data:", "blob:"))]
    assert not outside, f"requests to other hosts: {outside}"


PAGES_WITHOUT_ERRORS = {
    "catalogue": "/catalog/{hall}/?q=hz",
    "item": "/catalog/{hall}/items/{code}/",
    "checklist": "/catalog/{hall}/items/{code}/checklist/",
    "kiosk": "/kiosk/{hall}/",
    "kiosk-item": "/kiosk/{hall}/items/{code}/",
    "board": "/display/{hall}/",
}


@pytest.mark.parametrize("name", list(PAGES_WITHOUT_ERRORS))
def test_no_console_errors(site, page, recorder, name):
    path = PAGES_WITHOUT_ERRORS[name].format(hall=site.hall_code, code=site.item(PASSPORT)["code"])
    response = page.goto(site.path(path))
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert not recorder.errors(), recorder.errors()


def test_site_has_a_favicon(site, page):
    """Without <link rel=icon>, browsers fetch /favicon.ico after every page load; a 404 there is a
    console error on every public page."""
    page.goto(site.catalog)
    icons = page.locator('link[rel~="icon"]')
    if icons.count():
        href = icons.first.get_attribute("href")
        if href.startswith("data:"):
            return
        response = page.request.get(href if href.startswith("http") else site.path(href))
    else:
        response = page.request.get(site.path("/favicon.ico"))
    assert response.status == 200, f"{response.url} answered {response.status}"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/catalog/{hall}/",
        "/catalog/{hall}/items/{code}/",
        "/catalog/{hall}/items/{code}/checklist/",
        "/kiosk/{hall}/",
        "/display/{hall}/",
        "/login/",
    ],
)
def test_pages_send_a_strict_content_security_policy(site, page, path):
    response = page.goto(site.path(path.format(hall=site.hall_code, code=site.item(PASSPORT)["code"])))
    assert response.status == 200
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, policy
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, policy
