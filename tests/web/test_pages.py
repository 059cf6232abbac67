"""The pages through Django's test client: content from the policy and engine, access, bad input."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client as Browser
from django.utils.html import escape

from caredesk.accounts.models import User
from caredesk.catalog.actions import announce_retirement
from caredesk.catalog.models import Release
from caredesk.clients.actions import register_client
from caredesk.clients.models import Client
from caredesk.plans import engine
from caredesk.policy import DEFAULT_POLICY_PATH, get_policy, load_policy, use_policy
from tests.pages import element as section
from tests.pages import signed_in, text

PASSWORD = "test-pass-123"




# --- The published policy ------------------------------------------------------------------


def test_policy_page_shows_every_plan_service_and_severity_of_the_policy(db, client):
    html = text(client.get("/policy/"))
    doc = get_policy().document
    for plan in doc.plans.values():
        assert escape(plan.name) in html
    for service in doc.services.values():
        assert escape(service.name) in html
    for severity in doc.severities:
        assert escape(severity.name) in html and escape(severity.description) in html
    assert escape(doc.policy.summary.strip()) in html


def test_policy_page_has_an_anchor_for_every_clause_with_its_text(db, client):
    html = text(client.get("/policy/"))
    for clause_id, clause in get_policy().document.clauses.items():
        anchor = section(html, clause_id)
        assert anchor.startswith("<section")
        assert escape(clause.text) in anchor and escape(clause.title) in anchor


def test_policy_feature_matrix_has_a_cell_per_plan_and_service(db, client):
    html = text(client.get("/policy/"))
    doc = get_policy().document
    matrix = re.search(r"<caption>Services by plan</caption>.*?</table>", html, re.S).group(0)
    rows = re.findall(r"<tr>.*?</tr>", matrix.split("<tbody>")[1], re.S)
    assert len(rows) == len(doc.services)
    words = {"included": "Included", "fee": "For a fee", "warranty": "Warranty period only",
             "no": "Not included"}
    for row, slug in zip(rows, doc.services, strict=True):
        cells = re.findall(r'<td class="level--(\w+)">(.*?)</td>', row, re.S)
        assert [level for level, _ in cells] == [p.features[slug] for p in doc.plans.values()]
        for level, cell in cells:
            assert words[level] in cell


def test_policy_page_shows_targets_hours_scope_and_intake(db, client):
    policy = get_policy()
    doc = policy.document
    html = text(client.get("/policy/"))
    for plan in doc.plans.values():
        for target in plan.targets.values():
            assert f"within {target.within}" in html
    for slug in doc.calendars:
        assert escape(policy.calendars[slug].describe()) in html
    for category in doc.scope.values():
        assert escape(category.text) in section(html, "scope")
    for item in doc.intake.fields:
        assert escape(item.label) in section(html, "intake")
    for addon in doc.addons.values():
        assert escape(addon.name) in section(html, "addons")


def test_policy_page_lists_the_holidays_of_the_next_twelve_months(db, client):
    html = text(client.get("/policy/"))
    holidays = get_policy().calendars["business-hours"].holidays
    today = date.today()
    upcoming = sorted(
        d for year in (today.year, today.year + 1) for d in holidays.dates(year)
        if today + timedelta(days=2) <= d < today + timedelta(days=360)
    )
    assert upcoming, "the US has holidays every year"
    hours = section(html, "calendar-business-hours")
    for day in upcoming:
        assert f"{day:%b} {day.day}, {day.year}" in hours
    past = today - timedelta(days=40)
    assert f"{past:%b} {past.day}, {past.year}</td>" not in hours


def test_policy_page_follows_a_changed_policy(db, client, tmp_path):
    changed = DEFAULT_POLICY_PATH.read_text("utf-8")
    changed = changed.replace("Premium Care", "Gold Care")
    changed = changed.replace('mon = "08:00-20:00"', 'mon = "09:00-17:00"')
    changed = changed.replace('title = "Maintenance releases"', 'title = "Patches"')
    path = tmp_path / "policy.toml"
    path.write_text(changed, "utf-8")
    with use_policy(load_policy(path)) as policy:
        html = text(client.get("/policy/"))
    assert "Gold Care" in html and "Premium Care" not in html
    assert "Mon 09:00–17:00" in html
    assert "Patches" in section(html, "P-MAINT")
    assert policy.version in html


# --- The versions chart --------------------------------------------------------------------


def test_versions_chart_shows_current_and_prior_footprints(catalog, client):
    footprints = section(text(client.get("/versions/")), "footprints")
    assert re.search(r"11\.0</span>\s*<span class=\"badge badge--ok\">Current", footprints)
    assert re.search(r"10\.0</span>\s*<span class=\"badge badge--info\">Prior", footprints)


def test_versions_chart_names_each_release_as_it_was_called(catalog, client):
    html = text(client.get("/versions/"))
    line = section(html, "deployment-manager")
    assert "Numara FootPrints Deployment Manager" in line
    assert re.search(r"10\.0</span>.*?Numara Asset Management Platform – Numara Deployment Manager",
                     line, re.S)


def test_versions_chart_shows_cloud_products_as_always_current(catalog, client):
    line = section(text(client.get("/versions/")), "mobile-device-manager-cloud")
    assert "Cloud service — always Current" in line


def test_versions_chart_lists_products_in_catalog_order(catalog, client):
    html = text(client.get("/versions/"))
    positions = [html.index(f'id="{slug}"') for slug in catalog]
    assert positions == sorted(positions)


def test_versions_chart_folds_retired_versions_and_shows_announced_retirements(hooli, client):
    retires_on = date.today() + timedelta(days=200)
    release = Release.objects.get(product_line__slug="deployment-manager", version="10.0")
    announce_retirement(release, retires_on=retires_on, announced_on=date.today())
    html = text(client.get("/versions/"))
    footprints = section(html, "footprints")
    folded = re.search(r"<details>.*?</details>", footprints, re.S)
    assert folded and "10.0" in folded.group(0) and "Retired" in folded.group(0)
    notice = section(html, "deployment-manager")
    assert "Retirement announced" in notice
    assert f"{retires_on:%B} {retires_on.day}, {retires_on.year}" in notice


def test_versions_chart_query_count_does_not_grow_with_products(catalog, client,
                                                               django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/versions/")


# --- The client page -----------------------------------------------------------------------


def test_client_page_shows_carol_her_plan_addon_and_entitlements(world):
    html = text(signed_in("carol").get("/clients/C-100/"))
    assert "Acme Corp" in html and "C-100" in html
    plans = section(html, "plans")
    assert "Premium Care" in plans and "24x7 Support" in plans and "In force" in plans
    assert "What you are entitled to today" in html
    footprints = section(html, "product-footprints")
    decision = engine.entitlement(world["acme"], "24x7", world["catalog"]["footprints"])
    assert escape(decision.reason[0].upper() + decision.reason[1:]) in footprints
    assert 'href="/policy/#P-24x7"' in footprints


def test_client_page_shows_every_service_decision_of_the_engine(world):
    html = text(signed_in("carol").get("/clients/C-100/"))
    for row in engine.overview(world["acme"]):
        block = section(html, f"product-{row['product'].slug}")
        rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", block, re.S)
        assert len(rows) == len(row["decisions"])
        for decision, html_row in zip(row["decisions"], rows, strict=True):
            assert f'href="/policy/#{decision.clause}"' in html_row
            mark = "Yes" if decision.allowed else ("For a fee" if decision.fee else "No")
            assert f"</span> {mark}</span>" in html_row


def test_client_page_shows_the_installed_base_and_contacts(world):
    html = text(signed_in("carol").get("/clients/C-100/"))
    installed = section(html, "installed")
    assert "FP-1" in installed and "TI-1" in installed and "Sep 1, 2025" in installed
    contacts = section(html, "contacts")
    assert "Carol Contact" in contacts and "carol@acme.test" in contacts and "Primary" in contacts


def test_client_page_shows_the_release_a_client_runs_and_its_status(world):
    html = text(signed_in("gary").get("/clients/C-200/"))
    track_it = section(html, "product-track-it")
    assert "9.x" in track_it and "Prior" in track_it


@pytest.mark.parametrize(
    ("fixture", "number", "username", "clause"),
    [
        ("hooli", "C-400", "alice", "P-RETIRED"),
        ("umbrella", "C-500", "alice", "P-TERM"),
        ("world", "C-300", "mallory", "P-DEFAULT"),
    ],
)
def test_client_page_names_the_clause_that_refuses(request, fixture, number, username, clause):
    request.getfixturevalue(fixture)
    world = request.getfixturevalue("world")
    html = text(signed_in(username).get(f"/clients/{number}/"))
    client = Client.objects.get(number=number)
    refused = [d for row in engine.overview(client) for d in row["decisions"]
               if d.clause == clause and not d.allowed]
    assert refused, f"the engine refuses something for {number} with {clause}"
    for decision in refused:
        assert escape(decision.reason[0].upper() + decision.reason[1:]) in html
    assert f'href="/policy/#{clause}"' in html
    assert world


def test_client_page_shows_ended_and_upcoming_plans(umbrella):
    plans = section(text(signed_in("alice").get("/clients/C-500/")), "plans")
    assert "Ended" in plans and "Upcoming" in plans and "In force" not in plans
    assert "Not covered" in text(signed_in("alice").get("/clients/C-500/"))


def test_client_page_shows_a_retired_release_is_not_active(hooli):
    block = section(text(signed_in("alice").get("/clients/C-400/")), "product-footprints")
    assert "Retired" in block and "not Active" in block and "11.0" in block


def test_client_page_shows_the_time_in_the_viewers_zone_beside_the_support_zone(world):
    world["carol"].time_zone = "Asia/Tokyo"
    world["carol"].save()
    head = section(text(signed_in("carol").get("/clients/C-100/")), "page-head")
    assert "JST" in head and "support time" in head and re.search(r"E[SD]T", head)


def test_client_page_shows_one_zone_when_the_viewer_is_in_the_support_zone(world):
    head = section(text(signed_in("carol").get("/clients/C-100/")), "page-head")
    assert re.search(r"E[SD]T", head) and "support time" not in head


# --- Access --------------------------------------------------------------------------------


def test_client_page_sends_anonymous_visitors_to_sign_in(world, client):
    response = client.get("/clients/C-100/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/clients/C-100/"


def test_client_page_is_a_404_for_another_clients_contact(world):
    mallory = signed_in("mallory")
    assert mallory.get("/clients/C-100/").status_code == 404
    assert mallory.get("/clients/C-300/").status_code == 200


@pytest.mark.parametrize("username", ["alice", "sam", "maggie"])
def test_staff_see_every_client_page(world, username):
    staff = signed_in(username)
    for number in ("C-100", "C-200", "C-300"):
        assert staff.get(f"/clients/{number}/").status_code == 200


def test_an_unknown_client_number_is_a_404(world):
    response = signed_in("alice").get("/clients/NOPE/")
    assert response.status_code == 404
    assert "There is no page here" in text(response)


def test_home_sends_a_contact_to_their_company(world):
    response = signed_in("carol").get("/")
    assert response.status_code == 302 and response["Location"] == "/clients/C-100/"


def test_home_tells_a_contact_without_a_company_what_to_do(world):
    User.objects.create_user("newbie", "newbie@example.test", PASSWORD)
    html = text(signed_in("newbie").get("/"))
    assert "not linked to a company" in html


def test_home_welcomes_anonymous_visitors(db, client):
    html = text(client.get("/"))
    assert "Sign in" in html and 'href="/policy/"' in html and 'href="/versions/"' in html


def test_navigation_depends_on_who_is_signed_in(world, client):
    def nav(browser):
        return section(text(browser.get("/policy/")), "site-nav")

    anonymous = nav(client)
    assert ">Sign in</a>" in anonymous and "Sign out" not in anonymous
    carol = nav(signed_in("carol"))
    assert 'href="/clients/C-100/">My company' in carol and "Sign out" in carol
    assert ">Clients<" not in carol and "/admin/" not in carol
    alice = nav(signed_in("alice"))
    assert ">Clients</a>" in alice and "My company" not in alice and "/admin/" not in alice
    world["maggie"].is_staff = True
    world["maggie"].save()
    assert 'href="/admin/">Admin' in nav(signed_in("maggie"))


# --- Sign in and sign out ------------------------------------------------------------------


def test_sign_in_goes_to_next(world, client):
    response = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD,
                                                "next": "/versions/"})
    assert response.status_code == 302 and response["Location"] == "/versions/"


def test_sign_in_ignores_a_next_on_another_site(world, client):
    response = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD,
                                                "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_sign_in_with_a_wrong_password_says_so_and_keeps_the_username(world, client):
    response = client.post("/accounts/login/", {"username": "carol", "password": "nope"})
    html = text(response)
    assert response.status_code == 200
    assert 'role="alert"' in html and "correct username and password" in html
    assert 'value="carol"' in html


def test_sign_in_shows_a_missing_field_at_the_field(world, client):
    html = text(client.post("/accounts/login/", {"username": "carol", "password": ""}))
    assert re.search(r'<input type="password"[^>]*aria-invalid="true"', html)
    assert 'id="id_password_error"' in html


def test_sign_out_needs_the_csrf_token(world):
    browser = Browser(enforce_csrf_checks=True)
    browser.login(username="carol", password=PASSWORD)
    assert browser.post("/accounts/logout/").status_code == 403
    assert browser.get("/clients/C-100/").status_code == 200  # still signed in
    token = browser.cookies["csrftoken"].value
    response = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert browser.get("/clients/C-100/").status_code == 302  # signed out


def test_sign_out_is_not_a_link(world):
    assert signed_in("carol").get("/accounts/logout/").status_code == 405


# --- The staff clients list ----------------------------------------------------------------


@pytest.fixture
def many_clients(world):
    for i in range(30):
        register_client(f"Z-{i:03}", f"Zeta {i:03}")


def rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/clients/([^/]+)/">', html)


def test_clients_list_shows_the_plan_in_force_today(world):
    html = text(signed_in("alice").get("/"))
    assert rows(html) == ["C-100", "C-200", "C-300"]
    acme = re.search(r'href="/clients/C-100/">.*?</tr>', html, re.S).group(0)
    assert "Premium Care" in acme and "until Aug 31, 2027" in acme
    initech = re.search(r'href="/clients/C-300/">.*?</tr>', html, re.S).group(0)
    assert "No plan in force" in initech


@pytest.mark.parametrize(("query", "found"), [("acme", ["C-100"]), ("C-2", ["C-200"]),
                                              ("GLOB", ["C-200"])])
def test_clients_list_searches_by_name_or_number(world, query, found):
    assert rows(text(signed_in("alice").get("/", {"q": query}))) == found


def test_clients_list_says_what_to_do_when_nothing_matches(world):
    html = text(signed_in("alice").get("/", {"q": "nothing-like-this"}))
    assert rows(html) == [] and "No client matches" in html and "show all clients" in html


@pytest.mark.parametrize(("sort", "expected"), [("-name", ["C-300", "C-200", "C-100"]),
                                                ("number", ["C-100", "C-200", "C-300"]),
                                                ("bogus", ["C-100", "C-200", "C-300"])])
def test_clients_list_sorts(world, sort, expected):
    assert rows(text(signed_in("alice").get("/", {"sort": sort}))) == expected


def test_clients_list_pages_by_25(many_clients):
    alice = signed_in("alice")
    first = rows(text(alice.get("/")))
    second = rows(text(alice.get("/", {"page": 2})))
    assert len(first) == 25 and len(second) == 8 and not set(first) & set(second)


@pytest.mark.parametrize("page", ["999", "abc", "-1", ""])
def test_clients_list_survives_bad_page_numbers(many_clients, page):
    response = signed_in("alice").get("/", {"page": page})
    assert response.status_code == 200 and rows(text(response))


def test_clients_list_answers_htmx_with_the_results_only(world):
    response = signed_in("alice").get("/", {"q": "acme"}, HTTP_HX_REQUEST="true")
    html = text(response)
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and rows(html) == ["C-100"]


def test_clients_list_query_count_does_not_grow_with_clients(many_clients,
                                                            django_assert_max_num_queries):
    alice = signed_in("alice")
    with django_assert_max_num_queries(10):
        alice.get("/")


# --- Every page ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/policy/", "/versions/", "/accounts/login/",
                                 "/clients/C-100/"])
def test_every_page_has_a_title_one_heading_landmarks_and_a_skip_link(world, url):
    html = text(signed_in("alice").get(url) if "clients" in url else Browser().get(url))
    assert re.search(r"<title>[^<]+ · ", html)
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html and '<nav class="site-nav"' in html
    assert get_policy().version in html


def test_htmx_is_vendored_and_loaded_deferred(db, client):
    path = finders.find("vendor/htmx.min.js")
    assert path and Path(path).stat().st_size > 40_000
    assert Path(path).read_text("utf-8").startswith("var htmx=")
    assert re.search(r'<script src="/static/vendor/htmx.min.js" defer>', text(client.get("/")))


def test_the_stylesheet_is_served_with_light_and_dark_schemes(db, client):
    response = client.get("/static/caredesk/caredesk.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content).decode() if response.streaming else text(response)
    assert "prefers-color-scheme: dark" in css and ":focus-visible" in css
