"""The customer portal: a contact's incidents, submitting a request, following and answering one.

Views are thin. Every incident comes from `Incident.objects.visible_to(user)` (another client's
incident is a 404), every change goes through `caredesk.incidents.actions`, and every
entitlement answer comes from the engine through `actions.intake_decision`.
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from caredesk.catalog.lifecycle import UnknownRelease
from caredesk.catalog.models import Release
from caredesk.core.timefmt import when, zone_name
from caredesk.incidents import actions, intake
from caredesk.incidents.actions import IncidentError
from caredesk.incidents.clocks import target_label
from caredesk.incidents.models import Attachment, Clock, Event, Incident
from caredesk.plans import engine
from caredesk.policy import get_policy

from .forms import OWN_CONTROLS, AnswerForm, IncidentFilterForm, RequestForm

INCIDENTS_PER_PAGE = 20
CONSOLE_URL = "/console/"

# --- Access ----------------------------------------------------------------------------------


def _console_url(number: str | None = None) -> str:
    """Where staff go instead: the console's page of the incident if it has one, else the queue."""
    if number:
        try:
            return reverse("console:incident", args=[number])
        except NoReverseMatch:
            pass
    return CONSOLE_URL


def contact_required(view):
    """Only a signed-in user with an active contact uses the portal. Staff belong in the console;
    anyone else signed in (no contact, or a deactivated one) finds nothing here."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_support_staff:
            return redirect(_console_url(kwargs.get("number")))
        contact = getattr(user, "contact", None)
        if contact is None or not contact.is_active:
            raise Http404("no active contact")
        return view(request, *args, **kwargs)

    return wrapper


# --- Words and times -------------------------------------------------------------------------

# The status as the client reads it, and its badge colour.
STATUS_WORDS = {
    Incident.Status.NEW: ("Received", "info"),
    Incident.Status.OPEN: ("In progress", "info"),
    Incident.Status.WAITING_ON_CLIENT: ("Waiting on you", "warn"),
    Incident.Status.RESOLVED: ("Resolved", "ok"),
    Incident.Status.CLOSED: ("Closed", "neutral"),
    Incident.Status.DECLINED: ("Declined", "bad"),
}
SEVERITY_BADGES = {1: "bad", 2: "warn"}

# Each clock in the client's words: while it runs, once met, and what it is about.
CLOCK_WORDS = {
    "first-response": {
        "running": "We will answer by",
        "met": "We answered on",
        "noun": "Our first answer",
    },
    "system-down-transfer": {
        "running": "A senior technician takes your incident over by",
        "met": "A senior technician took your incident over on",
        "noun": "The hand-over to a senior technician",
    },
    "system-down-callback": {
        "running": "A senior technician will call you back by",
        "met": "A senior technician called you back on",
        "noun": "The call back from a senior technician",
    },
    "escalated-follow-up": {
        "running": "We will follow up on the escalation by",
        "met": "We followed up on the escalation on",
        "noun": "The follow-up of the escalation",
    },
}


def status_words(incident: Incident) -> dict:
    text, badge = STATUS_WORDS.get(incident.status, (incident.get_status_display(), "neutral"))
    return {"text": text, "badge": badge}


def moment(instant: datetime | None) -> dict | None:
    """An instant in the viewer's zone, with the support zone beside it when the two differ."""
    if instant is None:
        return None
    viewer = timezone.get_current_timezone()
    support = get_policy().support_zone
    beside = None
    if getattr(viewer, "key", str(viewer)) != support.key:
        there, here = instant.astimezone(support), instant.astimezone(viewer)
        # The same day in both zones needs only the hour: "(10:00 Eastern)".
        beside = (
            f"{there:%H:%M} {zone_name(support)}"
            if there.date() == here.date()
            else when(instant, support)
        )
    return {"text": when(instant, viewer), "support": beside, "iso": instant.isoformat()}


def clock_rows(incident: Incident) -> list[dict]:
    """The clocks that apply to the incident, in plain words."""
    rows = []
    for clock in incident.clocks.exclude(state=Clock.State.CANCELLED).order_by("due_at", "pk"):
        words = CLOCK_WORDS.get(
            clock.target,
            {
                "running": f"{target_label(clock.target)}: due",
                "met": f"{target_label(clock.target)}: done",
                "noun": target_label(clock.target),
            },
        )
        row = {"clock": clock, "words": words, "within": clock.within, "clause": clock.clause}
        if clock.met_at is not None:
            row["state"] = "late" if clock.state == Clock.State.BREACHED else "met"
            row["at"] = moment(clock.met_at)
            row["due"] = moment(clock.due_at)
        elif clock.state == Clock.State.PAUSED:
            row["state"] = "paused"
        elif clock.state == Clock.State.BREACHED:
            row["state"] = "overdue"
            row["due"] = moment(clock.due_at)
        else:
            row["state"] = "running"
            row["due"] = moment(clock.due_at)
        rows.append(row)
    return rows


def _who(author, viewer) -> tuple[str, str]:
    """Who wrote an event, and on which side they are: you, a colleague, or support."""
    if author is None:
        return "Support", "support"
    if author.pk == viewer.pk:
        return "You", "client"
    if author.is_support_staff:
        return f"{author.display_name} (support)", "support"
    contact = getattr(author, "contact", None)
    return (contact.name if contact else author.display_name), "client"


def _severity_words(level) -> str:
    try:
        return f"{level} ({get_policy().severity(int(level)).name})"
    except (KeyError, TypeError, ValueError):
        return str(level)


def timeline(incident: Incident, user) -> list[dict]:
    """The public history of the incident: internal notes and decisions never reach a contact
    (`Event.objects.visible_to` drops them)."""
    # Files come through their own access rule too: an internal event's never reach a contact.
    files = Attachment.objects.visible_to(user).order_by("created_at", "pk")
    events = (
        Event.objects.visible_to(user)
        .filter(incident=incident)
        .select_related("author", "author__contact")
        .prefetch_related(Prefetch("attachments", queryset=files, to_attr="files"))
        .order_by("created_at", "pk")
    )
    entries = []
    for event in events:
        who, side = _who(event.author, user)
        data = event.data or {}
        entry = {
            "event": event,
            "who": who,
            "side": side,
            "at": moment(event.created_at),
            "body": event.body,
            "clause": event.clause,
            "items": [],
            "files": event.files,
        }
        kind = event.kind
        if kind == Event.Kind.OPENED:
            channel = Incident.Channel(data["channel"]).label if data.get("channel") else ""
            entry["title"] = f"{who} submitted the request" + (f" ({channel})" if channel else "")
        elif kind == Event.Kind.CLIENT_MESSAGE:
            entry["title"] = f"{who} wrote"
            entry["answered"] = [intake.label(key) for key in data.get("answered", [])]
        elif kind == Event.Kind.AGENT_REPLY:
            entry["title"] = f"{who} replied"
        elif kind == Event.Kind.REQUEST_INFO:
            entry["title"] = f"{who} asked for more information"
            entry["items"] = data.get("labels", [])
            entry["items_intro"] = "Please send:"
        elif kind == Event.Kind.REGRADE:
            entry["title"] = (
                f"Severity changed from {_severity_words(data.get('old'))} "
                f"to {_severity_words(data.get('new'))}"
            )
        elif kind == Event.Kind.SESSION:
            starts = data.get("starts_at")
            at = moment(datetime.fromisoformat(starts)) if starts else None
            entry["title"] = "Remote session booked"
            entry["session"] = {"at": at, "minutes": data.get("minutes")}
        elif kind == Event.Kind.CALL:
            entry["title"] = f"Call with {who}" + (
                f", {data['minutes']} min" if data.get("minutes") else ""
            )
        elif kind == Event.Kind.ESCALATION:
            entry["title"] = "Escalated to senior technicians"
        elif kind == Event.Kind.DECISION:
            entry["title"] = "Covered by your plan" if data.get("allowed") else "Support policy"
        elif kind == Event.Kind.OVERRIDE:
            entry["title"] = "Accepted for support"
        elif kind == Event.Kind.STATUS:
            entry["title"] = "Status changed"
        else:
            entry["title"] = event.get_kind_display()
        entry["system"] = kind in (Event.Kind.STATUS, Event.Kind.DECISION, Event.Kind.OVERRIDE)
        entries.append(entry)
    return entries


# --- My incidents ----------------------------------------------------------------------------


@contact_required
@require_GET
def incidents(request):
    """The company's incidents (or the contact's own, per the client's setting), waiting-on-you
    first, then the most recently updated."""
    contact = request.user.contact
    form = IncidentFilterForm(request.GET)
    state, query = form.state_value(), form.query()
    visible = Incident.objects.visible_to(request.user)
    found = visible
    if query:
        found = found.filter(Q(number__icontains=query) | Q(subject__icontains=query))
    closed = list(Incident.CLOSED_STATES)
    counts = {
        "open": found.exclude(status__in=closed).count(),
        "closed": found.filter(status__in=closed).count(),
    }
    counts["all"] = counts["open"] + counts["closed"]
    if state == "open":
        found = found.exclude(status__in=closed)
    elif state == "closed":
        found = found.filter(status__in=closed)
    found = (
        found.select_related("product_line", "release", "contact")
        .annotate(
            waiting_first=Case(
                When(status=Incident.Status.WAITING_ON_CLIENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting_first", "-updated_at", "-pk")
    )
    page = Paginator(found, INCIDENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "incident": incident,
            "status": status_words(incident),
            "severity_badge": SEVERITY_BADGES.get(incident.severity, "neutral"),
            "updated": moment(incident.updated_at),
        }
        for incident in page.object_list
    ]
    context = {
        "form": form,
        "state": state,
        "tabs": [
            {"key": key, "label": label, "count": counts[key], "current": key == state}
            for key, label in IncidentFilterForm.STATES.items()
        ],
        "query": query,
        "counts": counts,
        "page": page,
        "rows": rows,
        "has_any": counts["all"] > 0 or visible.exists(),
        "shows_colleagues": contact.client.colleagues_see_incidents,
        "client": contact.client,
    }
    template = "portal/incidents.html#results" if request.htmx else "portal/incidents.html"
    return render(request, template, context)


# --- Submit a request ------------------------------------------------------------------------


def _licence(client, product):
    return (
        client.licences.filter(product_line=product)
        .select_related("product_line", "release")
        .prefetch_related("applied_maintenance")
        .order_by("-purchased_on", "-pk")
        .first()
    )


def _initial(client, contact, product, typed) -> dict:
    """What the form shows for `product`: the installed base's answers, and what the contact
    typed. Product details always follow the product; server details follow the licence where it
    knows them; anything else the contact typed stays."""
    licence = _licence(client, product)
    known = intake.prefill(client, contact, licence)
    initial = {"product": product.pk}
    for key in ("subject", "severity"):
        if typed.get(key):
            initial[key] = typed.get(key)
    for item in intake.checklist():
        if item.key in OWN_CONTROLS:
            continue
        value = (typed.get(item.key) or "").strip()
        if item.group == "product":
            initial[item.key] = known.get(item.key, "")
        elif item.group == "server":
            initial[item.key] = known.get(item.key) or value
        else:
            initial[item.key] = value or known.get(item.key, "")
    return initial


def _release_notice(client, product) -> dict | None:
    """A warning before submitting when the release the client runs is Retired (P-RETIRED)."""
    if product.is_cloud:
        return None
    licence = _licence(client, product)
    if licence is None or licence.release is None:
        return None
    try:
        life = engine.lifecycle(product, licence.release)
    except UnknownRelease:
        return None
    if life.status != Release.Status.RETIRED:
        return None
    return {"release": licence.release, "current": life.current}


def _decision_context(client, product) -> dict:
    decision = actions.intake_decision(client, product, Incident.Channel.WEB)
    return {
        "decision": decision,
        "what_to_do": "" if decision.allowed else actions.what_to_do(decision.clause),
        "release_notice": _release_notice(client, product),
        "product": product,
    }


@contact_required
@require_http_methods(["GET", "POST"])
def new(request):
    """Submit a request, guided by the policy's intake checklist and told before submitting
    whether the plan covers it."""
    contact = request.user.contact
    client = contact.client
    refused_on_submit = False
    if request.method == "POST" and "refresh" not in request.POST:
        form = RequestForm(request.POST, client=client)
        if form.is_valid():
            data = form.cleaned_data
            product = data["product"]
            decision = actions.intake_decision(client, product, Incident.Channel.WEB)
            accept = bool(data.get("accept_unentitled"))
            if decision.allowed or accept:
                try:
                    incident = actions.open_incident(
                        client=client,
                        product=product,
                        subject=data["subject"],
                        severity=data["severity"],
                        channel=Incident.Channel.WEB,
                        description=data.get("description", ""),
                        contact=contact,
                        values=form.values(),
                        by=request.user,
                        accept_unentitled=accept,
                    )
                except IncidentError as exc:
                    form.add_error(None, str(exc))
                else:
                    _say_received(request, incident)
                    return redirect("portal:incident", number=incident.number)
            else:
                refused_on_submit = True
        product = form.cleaned_data.get("product") if hasattr(form, "cleaned_data") else None
        if product is None:
            product = form.fields["product"].queryset.first()
    else:
        # A first visit (?product= may choose one), a product change by htmx, or, without
        # JavaScript, the "Update for this product" button (a POST that submits nothing).
        typed = request.POST if request.method == "POST" else request.GET
        products = RequestForm(client=client).fields["product"].queryset
        product = None
        wanted = typed.get("product", "")
        if wanted.isdigit():
            product = products.filter(pk=int(wanted)).first()
        product = product or products.first()
        initial = _initial(client, contact, product, typed) if product else {}
        form = RequestForm(client=client, initial=initial)
        if request.htmx and product is not None:
            # The product changed: its decision, its details and the submit buttons follow.
            context = {"form": form, "oob": True, **_decision_context(client, product)}
            return render(request, "portal/new.html#product-change", context)

    context = {
        "form": form,
        "refused_on_submit": refused_on_submit,
        "client": client,
        "has_products": product is not None,
    }
    if product is not None:
        context.update(_decision_context(client, product))
    return render(request, "portal/new.html", context)


def _say_received(request, incident):
    if incident.entitlement == Incident.Entitlement.DENIED:
        messages.warning(
            request,
            f"{incident.number} is submitted for review: support will decide whether to "
            "take it on before working on it.",
        )
    elif incident.missing:
        messages.success(
            request,
            f"{incident.number} is submitted. A few details are missing: answer them below "
            "so we can work on it without waiting.",
        )
    else:
        messages.success(request, f"{incident.number} is submitted. We have all we need.")


# --- The incident page -----------------------------------------------------------------------


@contact_required
@require_http_methods(["GET", "POST"])
def incident(request, number):
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related(
            "client", "contact", "product_line", "release", "upgrade_to"
        ),
        number=number,
    )
    form = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "close":
            return _close(request, incident)
        if action != "reply":
            return HttpResponseBadRequest("unknown action")
        if incident.status == Incident.Status.CLOSED:
            messages.error(
                request, f"{incident.number} is closed: to continue, submit a new request."
            )
            return redirect("portal:incident", number=incident.number)
        form = AnswerForm(request.POST, missing=_askable(incident))
        if form.is_valid():
            try:
                actions.add_client_message(
                    incident,
                    form.cleaned_data.get("body", ""),
                    by=request.user,
                    values=form.answers(),
                )
            except IncidentError as exc:
                form.add_error(None, str(exc))
            else:
                incident.refresh_from_db()
                _say_answered(request, incident, form.answers())
                return redirect("portal:incident", number=incident.number)
    if form is None and incident.status != Incident.Status.CLOSED:
        form = AnswerForm(missing=_askable(incident))
    return render(request, "portal/incident.html", _incident_context(request, incident, form))


def _askable(incident) -> list[str]:
    """What we ask the client for on the page: the missing checklist items, unless closed."""
    return [] if incident.status == Incident.Status.CLOSED else list(incident.missing)


def _say_answered(request, incident, answers):
    if incident.missing:
        labels = ", ".join(intake.label(key) for key in incident.missing)
        messages.success(request, f"Thank you, your message is added. Still missing: {labels}.")
    elif answers:
        messages.success(request, "Thank you, we now have everything we asked for.")
    else:
        messages.success(request, "Thank you, your message is added.")


def _close(request, incident):
    if request.POST.get("confirm") != "yes":
        messages.error(request, "The incident is still open: confirm to close it.")
        return redirect("portal:incident", number=incident.number)
    try:
        actions.close(incident, by=request.user)
    except IncidentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{incident.number} is closed. Thank you for letting us know.")
    return redirect("portal:incident", number=incident.number)


def _incident_context(request, incident, form) -> dict:
    items = {item.key: item for item in intake.checklist()}
    clocks = clock_rows(incident) if incident.is_open else []
    missing = [
        {"key": key, "label": intake.label(key), "help": items[key].help if key in items else ""}
        for key in incident.missing
    ]
    return {
        "incident": incident,
        "status": status_words(incident),
        "severity_badge": SEVERITY_BADGES.get(incident.severity, "neutral"),
        "severity": _policy_severity(incident.severity),
        "opened": moment(incident.created_at),
        "updated": moment(incident.updated_at),
        "clocks": clocks,
        "any_paused": any(row["state"] == "paused" for row in clocks),
        "missing": missing,
        "sent": [
            {"label": item.label, "value": incident.intake[item.key]}
            for item in intake.checklist()
            if str(incident.intake.get(item.key) or "").strip()
        ],
        "form": form,
        "timeline": timeline(incident, request.user),
        "loose_files": Attachment.objects.visible_to(request.user).filter(
            incident=incident, event__isnull=True
        ),
        "sessions": [
            {"session": s, "at": moment(s.starts_at), "ends": moment(s.ends_at)}
            for s in incident.sessions.select_related("agent").order_by("starts_at")
        ],
        "denied": incident.entitlement == Incident.Entitlement.DENIED,
        "what_to_do": actions.what_to_do(incident.entitlement_clause),
        "retired": incident.release is not None
        and incident.release.status == Release.Status.RETIRED,
        "waiting": incident.status == Incident.Status.WAITING_ON_CLIENT,
        "waiting_for": incident.waiting_for,
    }


def _policy_severity(level):
    try:
        return get_policy().severity(level)
    except KeyError:
        return None
