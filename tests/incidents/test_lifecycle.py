"""An incident's life: intake, asking for what is missing, answering, resolving."""

from datetime import timedelta

import pytest

from caredesk.incidents import actions, clocks
from caredesk.incidents.actions import IncidentError
from caredesk.incidents.models import Clock, Event, Incident
from caredesk.mail.models import OutboundMessage
from caredesk.plans import engine
from tests.conftest import eastern
from tests.incidents.conftest import TUESDAY_10


def test_open_incident_gets_number_decision_checklist_and_clocks(world, open_fp):
    incident = open_fp()
    assert incident.number == f"INC-{incident.pk:06d}"
    assert incident.entitlement == Incident.Entitlement.ALLOWED
    assert incident.entitlement_clause == "P-PLAN"
    assert "os" in incident.missing and "steps" in incident.missing
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds[:2] == [Event.Kind.OPENED, Event.Kind.DECISION]
    # acme's FootPrints is on the 24x7 add-on: one business day is 24 hours.
    first = incident.clocks.get(target="first-response")
    assert first.due_at == TUESDAY_10 + timedelta(hours=24)
    assert incident.next_due_at == first.due_at
    ack = OutboundMessage.objects.get(incident=incident, kind="acknowledgement")
    assert incident.number in ack.subject and "Operating system and version" in ack.body_text


def test_clocks_agree_with_the_engine_for_the_same_facts(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"], severity=1, at=eastern(2026, 6, 5, 19))
    answer = engine.clocks(
        world["acme"],
        world["catalog"]["track-it"],
        severity=1,
        channel="web",
        submitted=eastern(2026, 6, 5, 19),
    )
    stored = {c.target: c.due_at for c in incident.clocks.all()}
    assert stored == {key: t.due for key, t in answer.targets.items()}
    assert stored["first-response"] == eastern(2026, 6, 8, 19)


def test_request_information_pauses_and_the_answer_resumes(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"])  # 08-20 calendar
    actions.request_information(incident, by=world["alice"], at=TUESDAY_10 + timedelta(hours=1))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.WAITING_ON_CLIENT
    assert incident.first_response_at == TUESDAY_10 + timedelta(hours=1)
    mail = OutboundMessage.objects.get(incident=incident, kind="request-info")
    for key in incident.missing:
        assert actions.intake.label(key) in mail.body_text
    assert "Company name" not in mail.body_text  # only what is missing
    # A clock still running (none left here but the met first response) would be paused:
    assert not incident.clocks.filter(state=Clock.State.RUNNING).exists()
    answered_at = TUESDAY_10 + timedelta(hours=5)
    actions.add_client_message(
        incident,
        "Here you are",
        at=answered_at,
        values={
            "os": "Windows Server 2008",
            "database": "SQL 2008",
            "service_packs": "none",
            "hot_fixes": "none",
            "steps": "Open report X",
        },
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN and incident.missing == []
    pause = incident.pauses.get()
    assert (pause.started_at, pause.ended_at) == (TUESDAY_10 + timedelta(hours=1), answered_at)


def test_a_pause_moves_an_unmet_target_by_the_time_waited(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"], severity=1)
    # The senior callback (2 business hours) is not met by a request for information.
    actions.request_information(incident, by=world["alice"], at=TUESDAY_10 + timedelta(hours=1))
    callback = incident.clocks.get(target="system-down-callback")
    assert callback.state == Clock.State.PAUSED and callback.due_at is None
    actions.add_client_message(incident, "done", at=TUESDAY_10 + timedelta(hours=4))
    callback.refresh_from_db()
    assert callback.state == Clock.State.RUNNING
    assert callback.due_at == TUESDAY_10 + timedelta(hours=5)  # 2h + 3h waited


def test_reply_meets_the_first_response_and_resolve_stops_clocks(world, open_fp):
    incident = open_fp()
    actions.reply(
        incident, "Looking into it", by=world["alice"], at=TUESDAY_10 + timedelta(hours=2)
    )
    first = incident.clocks.get(target="first-response")
    assert first.state == Clock.State.MET and first.met_at == TUESDAY_10 + timedelta(hours=2)
    actions.resolve(incident, by=world["alice"], summary="Fixed by SP2")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED and incident.next_due_at is None
    assert OutboundMessage.objects.filter(incident=incident, kind="resolved").exists()
    with pytest.raises(IncidentError, match="resolved"):
        actions.reply(incident, "again", by=world["alice"])
    actions.reopen(incident, by=world["alice"], reason="It came back")
    incident.refresh_from_db()
    assert incident.is_open


def test_a_late_reply_records_the_breach_once(world, open_fp):
    incident = open_fp()
    late = TUESDAY_10 + timedelta(hours=30)
    assert clocks.sweep(late) == {"breached": 1, "warned": 0}
    assert clocks.sweep(late + timedelta(minutes=1))["breached"] == 0
    actions.reply(incident, "Sorry for the wait", by=world["alice"], at=late)
    first = incident.clocks.get(target="first-response")
    assert first.state == Clock.State.BREACHED and first.met_at == late
    assert first.breached_at == first.due_at
    assert incident.events.filter(kind=Event.Kind.CLOCK, data__event="breached").count() == 1


def test_sweep_warns_the_assignee_once_before_the_due_time(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"])
    actions.assign(incident, world["alice"], by=world["maggie"])
    due = incident.clocks.get(target="first-response").due_at
    assert clocks.sweep(due - timedelta(hours=2))["warned"] == 0
    assert clocks.sweep(due - timedelta(minutes=50))["warned"] == 1
    assert clocks.sweep(due - timedelta(minutes=40))["warned"] == 0
    warning = OutboundMessage.objects.get(kind="clock-warning")
    assert warning.to == world["alice"].email


def test_regrade_keeps_the_reason_and_adds_system_down_targets(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"])
    assert not incident.clocks.filter(target="system-down-transfer").exists()
    with pytest.raises(IncidentError, match="reason"):
        actions.regrade(incident, 1, reason=" ", by=world["alice"])
    actions.regrade(
        incident,
        1,
        reason="Nobody can log in",
        by=world["alice"],
        at=TUESDAY_10 + timedelta(minutes=30),
    )
    transfer = incident.clocks.get(target="system-down-transfer")
    assert transfer.due_at == TUESDAY_10 + timedelta(hours=2)
    event = incident.events.get(kind=Event.Kind.REGRADE)
    assert (event.data["old"], event.data["new"], event.clause) == (3, 1, "P-SEV")
    actions.regrade(
        incident,
        2,
        reason="Workaround found",
        by=world["alice"],
        at=TUESDAY_10 + timedelta(minutes=45),
    )
    transfer.refresh_from_db()
    assert transfer.state == Clock.State.CANCELLED


def test_a_target_missed_before_a_regrade_stays_breached(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"], severity=1)
    actions.regrade(
        incident,
        3,
        reason="Only one user affected",
        by=world["alice"],
        at=TUESDAY_10 + timedelta(hours=3),
    )
    transfer = incident.clocks.get(target="system-down-transfer")
    assert (transfer.state, transfer.breached_at) == (Clock.State.BREACHED, transfer.due_at)


def test_system_down_alerts_seniors_and_take_over_meets_the_transfer(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"], severity=1)
    assert OutboundMessage.objects.filter(kind="system-down", to=world["sam"].email).exists()
    with pytest.raises(IncidentError, match="senior"):
        actions.take_over(incident, by=world["alice"])
    actions.take_over(incident, by=world["sam"], at=TUESDAY_10 + timedelta(minutes=20))
    assert incident.clocks.get(target="system-down-transfer").state == Clock.State.MET
    actions.log_call(
        incident,
        by=world["sam"],
        summary="Restarted the service",
        minutes=15,
        at=TUESDAY_10 + timedelta(minutes=40),
    )
    assert incident.clocks.get(target="system-down-callback").state == Clock.State.MET


def test_escalation_adds_the_follow_up_target(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"])
    actions.escalate(
        incident, reason="Needs development", by=world["alice"], at=eastern(2026, 6, 5, 19)
    )
    follow = incident.clocks.get(target="escalated-follow-up")
    assert follow.due_at == eastern(2026, 6, 8, 19)
    with pytest.raises(IncidentError, match="already escalated"):
        actions.escalate(incident, reason="again", by=world["alice"])


def test_without_entitlement_the_incident_is_refused_or_held_for_review(world):
    initech = world["initech"]
    footprints = world["catalog"]["footprints"]
    with pytest.raises(IncidentError, match=r"Buy a plan to get support. \(P-DEFAULT\)"):
        actions.open_incident(
            client=initech,
            product=footprints,
            subject="Help",
            severity=3,
            channel="web",
            at=TUESDAY_10,
        )
    held = actions.open_incident(
        client=initech,
        product=footprints,
        subject="Help",
        severity=3,
        channel="web",
        at=TUESDAY_10,
        accept_unentitled=True,
    )
    assert held.entitlement == Incident.Entitlement.DENIED
    assert not OutboundMessage.objects.filter(incident=held).exists()
    with pytest.raises(IncidentError, match="review the entitlement"):
        actions.resolve(held, by=world["alice"])
    actions.override_entitlement(held, reason="Renewal is in the post", by=world["alice"])
    held.refresh_from_db()
    assert held.entitlement == Incident.Entitlement.OVERRIDDEN
    assert held.events.get(kind=Event.Kind.OVERRIDE).body == "Renewal is in the post"


def test_phone_outside_hours_is_refused_with_the_clause(world, open_fp):
    with pytest.raises(IncidentError, match="P-CHANNEL"):
        open_fp(product=world["catalog"]["track-it"], channel="phone", at=eastern(2026, 6, 2, 21))
    night = open_fp(channel="phone", at=eastern(2026, 6, 2, 21))  # FootPrints has 24x7
    assert night.entitlement_clause == "P-24x7"


def test_a_retired_release_is_flagged_at_intake(world):
    umbrella_fp = world["catalog"]["footprints"]
    from caredesk.catalog.actions import publish_release

    old = publish_release(umbrella_fp, "9.0", "version", historic=True)
    incident = actions.open_incident(
        client=world["acme"],
        product=umbrella_fp,
        release=old,
        contact=world["acme"].contacts.get(),
        subject="Old",
        severity=3,
        channel="web",
        at=TUESDAY_10,
    )
    assert incident.upgrade_to.version == "11.0"
    assert incident.events.filter(clause="P-RETIRED").exists()
    actions.require_upgrade(incident, by=world["alice"])
    incident.refresh_from_db()
    assert (incident.status, incident.waiting_for) == ("waiting-client", "upgrade")
    assert "11.0" in OutboundMessage.objects.get(kind="upgrade-required").body_text


def test_decline_quotes_the_clause_and_refers(world, open_fp):
    incident = open_fp()
    with pytest.raises(IncidentError, match="supported"):
        actions.decline(incident, "installation", by=world["alice"])
    actions.decline(incident, "customization", by=world["alice"], message="Ask PS.")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DECLINED
    event = incident.events.filter(kind=Event.Kind.STATUS).last()
    assert event.clause == "P-SCOPE" and event.data["referral"] == "professional-services"
    assert "Professional Services" in OutboundMessage.objects.get(kind="declined").body_text


def test_migration_time_counts_against_the_allowance(world, open_fp):
    incident = open_fp()
    left = actions.log_migration_time(incident, 40, by=world["alice"])
    assert left.allowance_minutes_left == 20
    with pytest.raises(IncidentError, match="positive"):
        actions.log_migration_time(incident, -5, by=world["alice"])


def test_sessions_are_booked_inside_support_hours_with_an_invitation(world, open_fp):
    incident = open_fp(product=world["catalog"]["track-it"])
    with pytest.raises(IncidentError, match="inside support hours"):
        actions.book_session(
            incident,
            by=world["alice"],
            starts_at=eastern(2026, 6, 3, 19, 30),
            minutes=60,
            at=TUESDAY_10,
        )
    session = actions.book_session(
        incident, by=world["alice"], starts_at=eastern(2026, 6, 3, 14), minutes=60, at=TUESDAY_10
    )
    mail = OutboundMessage.objects.get(kind="session")
    ics = mail.attachments[0]["content"]
    assert "BEGIN:VEVENT" in ics and session.uid in ics and "carol@acme.test" in ics


def test_bad_input_is_refused_and_changes_nothing(world, open_fp):
    before = Incident.objects.count()
    with pytest.raises(IncidentError, match="severity must be one of"):
        open_fp(severity=9)
    with pytest.raises(IncidentError, match="subject"):
        open_fp(subject="  ")
    with pytest.raises(IncidentError, match="not a contact"):
        open_fp(contact=world["globex"].contacts.get())
    assert Incident.objects.count() == before


def test_migration_time_beyond_the_allowance_or_on_a_closed_incident_is_refused(world, open_fp):
    incident = open_fp()
    actions.log_migration_time(incident, 50, by=world["alice"])
    with pytest.raises(IncidentError, match="only 10 minutes"):
        actions.log_migration_time(incident, 15, by=world["alice"])
    actions.resolve(incident, by=world["alice"])
    with pytest.raises(IncidentError, match="resolved"):
        actions.log_migration_time(incident, 5, by=world["alice"])


def test_one_send_task_per_transaction_however_many_messages(
    world, open_fp, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        incident = open_fp(product=world["catalog"]["track-it"], severity=1)  # ack + seniors
    assert OutboundMessage.objects.filter(incident=incident).count() >= 2
    assert DBTaskResult.objects.filter(task_path__endswith="send_outbox").count() == 1
