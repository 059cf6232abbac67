"""The Django admin changes state only through the action functions, so policy rules hold there."""

from datetime import date

from caredesk.catalog.models import Release
from caredesk.plans.models import Subscription


def add_subscription(client, world, months, plan="premium-care", products=("patch-manager",)):
    return client.post(
        "/admin/plans/subscription/add/",
        {
            "client": world["acme"].pk,
            "plan": plan,
            "products": [world["catalog"][p].pk for p in products],
            "starts_on": "2026-01-01",
            "months": months,
        },
    )


def test_admin_refuses_a_plan_the_policy_refuses(admin_client, world):
    before = Subscription.objects.count()
    response = add_subscription(admin_client, world, months=6)
    assert response.status_code == 200
    assert "is not a term. (P-TERM)" in response.content.decode()
    assert Subscription.objects.count() == before


def test_admin_refuses_mixed_plan_levels(admin_client, world):
    response = add_subscription(admin_client, world, months=12, plan="install-assistance")
    assert "(P-SAME-LEVEL)" in response.content.decode()


def test_admin_buys_a_plan_through_subscribe(admin_client, world):
    response = add_subscription(admin_client, world, months=12)
    assert response.status_code == 302
    created = Subscription.objects.get(
        client=world["acme"], products=world["catalog"]["patch-manager"]
    )
    assert created.decided_by_clause == "P-PLAN"
    assert created.ends_on == date(2027, 1, 1)
    assert created.created_by.is_superuser


def test_admin_publishing_a_version_rotates_the_lifecycle(admin_client, catalog):
    footprints = catalog["footprints"]
    response = admin_client.post(
        "/admin/catalog/release/add/",
        {
            "product_line": footprints.pk,
            "version": "12.0",
            "kind": "version",
            "name": "FootPrints",
            "published_on": "2026-05-01",
            "notes": "",
        },
    )
    assert response.status_code == 302
    statuses = dict(footprints.releases.values_list("version", "status"))
    assert statuses == {"12.0": "current", "11.0": "prior", "10.0": "retired"}


def test_admin_shows_the_rule_that_refuses_a_release(admin_client, catalog):
    footprints = catalog["footprints"]
    prior = footprints.releases.get(version="10.0")
    response = admin_client.post(
        "/admin/catalog/release/add/",
        {
            "product_line": footprints.pk,
            "version": "10.0.300",
            "kind": "hot-fix",
            "corrects": prior.pk,
            "name": "",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "P-MAINT" in response.content.decode()
    assert not Release.objects.filter(version="10.0.300").exists()


def test_admin_announces_retirement_with_notice(admin_client, catalog):
    prior = catalog["footprints"].releases.get(version="10.0")
    response = admin_client.post(
        "/admin/catalog/release/",
        {
            "action": "announce_retirement_action",
            "_selected_action": [prior.pk],
        },
        follow=True,
    )
    assert "retires on" in response.content.decode()
    prior.refresh_from_db()
    assert (prior.retires_on - prior.retirement_announced_on).days == 90


def test_admin_records_a_purchase_through_the_action_and_refuses_a_wrong_release(
    admin_client, world
):
    from caredesk.clients.models import Licence

    catalog, before = world["catalog"], Licence.objects.count()
    wrong = catalog["track-it"].releases.get(version="10.x")
    response = admin_client.post(
        "/admin/clients/licence/add/",
        {
            "client": world["globex"].pk,
            "product_line": catalog["footprints"].pk,
            "release": wrong.pk,
            "serial_number": "X",
            "purchased_on": "2026-06-01",
            "seats": 1,
            "server_os": "",
            "database": "",
        },
    )
    assert response.status_code == 200
    assert "is not a release of" in response.content.decode()
    assert Licence.objects.count() == before
    right = catalog["footprints"].releases.get(version="11.0")
    response = admin_client.post(
        "/admin/clients/licence/add/",
        {
            "client": world["globex"].pk,
            "product_line": catalog["footprints"].pk,
            "release": right.pk,
            "serial_number": "FP-G",
            "purchased_on": "2026-06-01",
            "seats": 1,
            "server_os": "Windows Server 2019",
            "database": "SQL Server 2019",
        },
    )
    assert response.status_code == 302
    licence = Licence.objects.get(serial_number="FP-G")
    assert (licence.release, licence.server_os) == (right, "Windows Server 2019")
