"""`caredesk demo` builds the four promised clients and prints working logins."""

from django.contrib.auth import authenticate
from django.core.management import call_command

from caredesk.clients.models import Client
from caredesk.core.demo import DEMO_PASSWORD
from caredesk.plans import engine


def test_demo_world_and_logins(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    for username in ("admin", "alice", "sam", "carol", "gary", "ivan", "uma"):
        assert f"  {username} " in out
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    acme = Client.objects.get(number="C-1001")
    footprints = acme.licences.get(product_line__slug="footprints").product_line
    assert engine.entitlement(acme, "24x7", footprints).allowed
    initech = Client.objects.get(number="C-1003")
    track_it = initech.licences.get().product_line
    assert engine.entitlement(initech, "e-submission", track_it).clause == "P-TERM"
    umbrella = Client.objects.get(number="C-1004")
    retired = engine.entitlement(umbrella, "maintenance-releases", footprints)
    assert retired.clause == "P-RETIRED"
    globex = Client.objects.get(number="C-1002")
    assert engine.entitlement(globex, "maintenance-releases", track_it).allowed


def test_demo_twice_changes_nothing(db, capsys):
    call_command("demo")
    count = Client.objects.count()
    call_command("demo")
    assert "already loaded" in capsys.readouterr().out
    assert Client.objects.count() == count
