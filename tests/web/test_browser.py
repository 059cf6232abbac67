"""The pages in a real Chromium (Debian's, driven by Playwright) against a live server.

Set CAREDESK_SCREENSHOTS=/some/dir to keep a screenshot of every page visited.
"""

import pytest

PASSWORD = "test-pass-123"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(5000)
    page = context.new_page()
    yield page
    context.close()


def test_a_contact_reads_the_policy_signs_in_and_follows_a_clause(world, live_server, page, shots):
    base = live_server.url

    page.goto(f"{base}/policy/")
    assert page.locator("h1").inner_text() == "Maintenance Services Guide"
    matrix = page.locator("table", has=page.locator("caption", has_text="Services by plan"))
    assert matrix.locator("th[scope=row]", has_text="Toll-free phone support").is_visible()
    assert page.locator("section#P-MAINT").count() == 1
    shots(page, "policy")

    page.goto(f"{base}/versions/")
    assert page.locator("h1").inner_text() == "Active versions"
    footprints = page.locator("section#footprints")
    assert footprints.locator("li", has_text="11.0").locator(".badge").inner_text() == "Current"
    assert footprints.locator("li", has_text="10.0").locator(".badge").inner_text() == "Prior"
    shots(page, "versions")

    page.goto(f"{base}/")
    assert page.get_by_role("heading", level=1).is_visible()
    shots(page, "landing")
    page.locator("#site-nav").get_by_role("link", name="Sign in").click()
    page.wait_for_url(f"{base}/accounts/login/")
    shots(page, "login")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{base}/clients/C-100/")
    assert page.locator("h1").inner_text() == "Acme Corp"
    assert page.locator("#plans").get_by_text("Premium Care").first.is_visible()
    maintenance = page.locator("#product-footprints tr", has_text="Maintenance releases")
    assert "Yes" in maintenance.inner_text()
    shots(page, "client")

    maintenance.get_by_role("link", name="P-MAINT").click()
    page.wait_for_url(f"{base}/policy/#P-MAINT")
    clause = page.locator("section#P-MAINT")
    assert clause.is_visible()
    assert page.evaluate("document.querySelector(':target').id") == "P-MAINT"
    # The linked clause is scrolled to (smoothly, so wait): its top ends within the first screen.
    page.wait_for_function(
        "() => { const top = document.getElementById('P-MAINT').getBoundingClientRect().top;"
        " return top >= 0 && top < 200; }"
    )

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/accounts/login/")
    assert page.get_by_text("You are signed out.").is_visible()
    assert page.get_by_role("link", name="My company").count() == 0


def test_pages_fit_a_phone_without_sideways_scrolling(world, live_server, chromium, shots):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(f"{base}/accounts/login/?next=/clients/C-100/")
        page.get_by_label("Username").fill("carol")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/clients/C-100/")
        for name, path in [
            ("phone-client", "/clients/C-100/"),
            ("phone-policy", "/policy/"),
            ("phone-versions", "/versions/"),
            ("phone-home", "/"),
        ]:
            if path != "/clients/C-100/":
                page.goto(f"{base}{path}")
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{path} scrolls sideways at 390px: {width}"
            shots(page, name)
    finally:
        context.close()


def test_staff_search_updates_the_list_in_place(world, live_server, page, shots):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    assert page.locator("#results tbody tr").count() == 3
    page.keyboard.press("/")  # the search shortcut
    page.keyboard.type("glob")
    page.wait_for_url("**/?q=glob*")
    assert page.locator("#results tbody tr").count() == 1
    assert page.locator("#results").get_by_role("link", name="Globex").is_visible()
    shots(page, "clients")
