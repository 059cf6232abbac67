"""The agent console: the queue, the incident page and its actions, a new incident for a caller,
saved views and canned replies.

Only support staff get in; to anyone else signed in, every console URL is a 404 (anonymous
visitors are sent to sign in). Every incident comes from `Incident.objects.visible_to(user)`.
Views are thin: each change of state is one call of an action function, whose refusal is shown
at the form that asked for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from caredesk.catalog.lifecycle import UnknownRelease
from caredesk.clients.models import Client, Licence
from caredesk.incidents import actions, intake
from caredesk.incidents.actions import IncidentError
from caredesk.incidents.filters import IncidentFilter
from caredesk.incidents.models import Attachment, Clock, Event, Incident
from caredesk.plans import engine
from caredesk.plans.decisions import PolicyQuestionError
from caredesk.policy import get_policy
from caredesk.web.presenters import entitlement_rows

from . import forms as f
from .actions import (
    ConsoleError,
    delete_canned_reply,
    delete_view,
    save_canned_reply,
    save_view,
)
from .models import CannedReply, SavedView
from .templatetags.console import clock_left, next_clock

PER_PAGE = 50
# Counting every open incident of a large desk is the one slow query of a list page: the count
# stops here and the page says "10,000+".
COUNT_CAP = 10_000
CANNED_PER_PAGE = 25

QUEUE_SORTS = {
    "due": "Due first",
    "severity": "Severity",
    "newest": "Newest",
    "oldest": "Oldest",
}
TABS = [
    ("open", "All open"),
    ("mine", "Mine"),
    ("unassigned", "Unassigned"),
    ("breaching", "Breaching"),
    ("waiting", "Waiting on client"),
    ("review", "To review"),
    ("closed", "Closed"),
]


def staff_required(view):
    """Support staff only. Others signed in get a 404, as if the console did not exist; visitors
    are sent to sign in (an htmx request is told to load the sign-in page as a whole, not to
    swap it into the console). Pages that answer htmx with a fragment vary on it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:
                target = request.htmx.current_url_abs_path or request.get_full_path()
                return HttpResponseClientRedirect(redirect_to_login(target).url)
            return redirect_to_login(request.get_full_path())
        if not request.user.is_support_staff:
            raise Http404("No such page")
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response

    return wrapped


def _partial(request) -> bool:
    """An htmx request for a fragment (not a history restore, which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_number(raw) -> int:
    """?page= as a positive number; junk is page 1."""
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 1_000_000)


# ---- The queue ------------------------------------------------------------------------------


@dataclass
class QueuePage:
    """One page of the queue. `total` is counted at most up to COUNT_CAP, or not at all (None)
    where counting costs as much as the page itself (a text search)."""

    rows: list
    number: int
    total: int | None
    capped: bool
    more: bool  # a row exists after this page

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PER_PAGE + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.rows) - 1 if self.rows else 0

    @property
    def num_pages(self) -> int | None:
        if self.total is None or self.capped:
            return None
        return max(1, math.ceil(self.total / PER_PAGE))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.more

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _ordered(incidents, sort: str):
    due = F("next_due_at").asc(nulls_last=True)
    if sort == "severity":
        return incidents.order_by("severity", due, "created_at")
    if sort == "newest":
        return incidents.order_by("-created_at", "-pk")
    if sort == "oldest":
        return incidents.order_by("created_at", "pk")
    return incidents.queue_order()


def _filterset(request, params: QueryDict) -> IncidentFilter:
    base = Incident.objects.visible_to(request.user)
    filterset = IncidentFilter(params, queryset=base, request=request)
    f.dress_filter_form(filterset.form)  # before validation fixes the labels
    if "view" in filterset.errors:
        # An unknown view is the default view, not "no view filter" (which shows everything).
        params = params.copy()
        params["view"] = "open"
        filterset = IncidentFilter(params, queryset=base, request=request)
        f.dress_filter_form(filterset.form)
    return filterset


def _queue_page(incidents, number: int, count: bool = True) -> QueuePage:
    total = capped = None
    if count:
        total = incidents.order_by().values("pk")[: COUNT_CAP + 1].count()
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
        if not capped:
            number = min(number, max(1, math.ceil(total / PER_PAGE)))
    offset = (number - 1) * PER_PAGE
    # Two steps: the page's keys in queue order from the incident table alone (its queue
    # index), then those rows with what the table shows. Joining first lets a database plan
    # the sort over every open incident's client and product.
    keys = list(incidents.values_list("pk", flat=True)[offset : offset + PER_PAGE + 1])
    more, keys = len(keys) > PER_PAGE, keys[:PER_PAGE]
    found = Incident.objects.select_related("client", "product_line", "assignee").prefetch_related(
        Prefetch(
            "clocks",
            queryset=Clock.objects.filter(met_at__isnull=True).exclude(state=Clock.State.CANCELLED),
            to_attr="live_clocks",
        )
    )
    by_key = found.in_bulk(keys)
    rows = [by_key[key] for key in keys if key in by_key]
    now = timezone.now()
    for incident in rows:
        incident.left = next_clock(incident, incident.live_clocks, now)
        incident.breached = any(c.state == Clock.State.BREACHED for c in incident.live_clocks) or (
            incident.next_due_at is not None and incident.next_due_at <= now
        )
    return QueuePage(rows, number, total, bool(capped), more)


def _query_of(params: QueryDict) -> str:
    """The filters of a queue address, as a saved view keeps them (no page number)."""
    params = params.copy()
    params.pop("page", None)
    for key in [k for k, values in params.lists() if not any(v.strip() for v in values)]:
        del params[key]
    return params.urlencode()


def _queue_context(request, params: QueryDict, save_form=None) -> dict:
    filterset = _filterset(request, params)
    sort = params.get("sort", "due")
    if sort not in QUEUE_SORTS:
        sort = "due"
    incidents = _ordered(filterset.qs, sort)
    # A text search costs as much to count as to list: its pages go on without a total.
    searching = bool((filterset.form.cleaned_data.get("q") or "").strip())
    page = _queue_page(incidents, page_number(params.get("page")), count=not searching)
    view = filterset.form.cleaned_data.get("view") or "open"
    query = _query_of(params)
    saved = list(SavedView.objects.visible_to(request.user))
    return {
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "view": view,
        "view_label": dict(IncidentFilter.VIEW_CHOICES).get(view, view),
        "tabs": TABS,
        "sort": sort,
        "sorts": QUEUE_SORTS,
        "query": query,
        "params": params,
        "saved_views": saved,
        "active_saved": next((s for s in saved if s.query == query), None),
        "save_form": save_form or f.SaveViewForm(initial={"query": query}),
        "filtered": any(params.get(k) for k in ("q", "product", "severity", "client", "assignee")),
        "now": timezone.now(),
    }


@staff_required
@require_http_methods(["GET", "HEAD"])
def queue(request):
    """Open incidents, nearest due target first; filters, tabs, saved views, 50 a page."""
    context = _queue_context(request, request.GET)
    if _partial(request):
        return render(request, "console/queue.html#results", {**context, "oob": True})
    return render(request, "console/queue.html", context)


@staff_required
@require_POST
def save_view_(request):
    """Keep the queue's current filters under a name."""
    form = f.SaveViewForm(request.POST)
    if form.is_valid():
        try:
            view = save_view(request.user, form.cleaned_data["name"], form.cleaned_data["query"])
        except ConsoleError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"Saved the view “{view.name}”.")
            target = f"{reverse('console:queue')}?{view.query}" if view.query else None
            if _partial(request):
                context = _queue_context(request, QueryDict(view.query))
                response = render(request, "console/queue.html#results", {**context, "oob": True})
                response["HX-Push-Url"] = target or reverse("console:queue")
                return response
            return redirect(target or "console:queue")
    params = QueryDict(request.POST.get("query", ""))
    context = _queue_context(request, params, save_form=form)
    if _partial(request):
        return render(request, "console/queue.html#results", {**context, "oob": True})
    return render(request, "console/queue.html", context, status=400)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_view_(request, pk):
    """Delete one of my saved views, after a confirmation."""
    view = get_object_or_404(SavedView.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        delete_view(view)
        messages.success(request, f"Deleted the view “{view.name}”.")
        return redirect("console:queue")
    return render(
        request,
        "console/confirm_delete.html",
        {
            "title": f"Delete the view “{view.name}”?",
            "what": "The saved filters are removed; no incident changes.",
            "detail": view.query or "(the default queue)",
            "cancel": f"{reverse('console:queue')}?{view.query}",
        },
    )


# ---- The incident page ----------------------------------------------------------------------


def _incident(request, number) -> Incident:
    incidents = Incident.objects.visible_to(request.user).select_related(
        "client", "contact", "product_line", "release", "assignee", "senior", "upgrade_to"
    )
    return get_object_or_404(incidents, number=number)


@dataclass(frozen=True)
class Action:
    """One thing an agent does to an incident: its form, its call and what it says when done."""

    title: str
    form: type[f.ActionForm]
    run: Callable[[Incident, dict, object], str]
    button: str
    confirm: bool = False  # destructive: asks before doing it


def _reply(incident, data, user):
    actions.reply(incident, data["body"], by=user)
    who = incident.contact.name if incident.contact else incident.client.name
    return f"Reply sent to {who}."


def _note(incident, data, user):
    actions.add_note(incident, data["body"], by=user)
    return "Internal note added."


def _request_info(incident, data, user):
    actions.request_information(incident, by=user, items=data["items"], message=data["message"])
    asked = ", ".join(intake.label(k) for k in data["items"]) or "more information"
    return f"Asked the client for {asked}; the clocks wait for the answer."


def _regrade(incident, data, user):
    actions.regrade(incident, data["severity"], reason=data["reason"], by=user)
    return f"Severity re-graded to {data['severity']}."


def _assign(incident, data, user):
    assignee = data["assignee"]
    actions.assign(incident, assignee, by=user)
    if assignee is None:
        return "Unassigned."
    return "Assigned to you." if assignee == user else f"Assigned to {assignee.display_name}."


def _take_over(incident, data, user):
    actions.take_over(incident, by=user)
    return "You took the incident over."


def _escalate(incident, data, user):
    actions.escalate(incident, reason=data["reason"], by=user)
    return "Escalated to the senior technicians."


def _call(incident, data, user):
    actions.log_call(
        incident,
        by=user,
        summary=data["summary"],
        minutes=data["minutes"],
        outbound=data["outbound"],
    )
    return f"Call of {data['minutes']} min logged."


def _session(incident, data, user):
    session = actions.book_session(
        incident, by=user, starts_at=data["starts_at"], minutes=data["minutes"], notes=data["notes"]
    )
    local = timezone.localtime(session.starts_at)
    return f"Remote session booked for {local:%a %b} {local.day}, {local:%H:%M}; invitation sent."


def _classify(incident, data, user):
    decision = actions.classify(incident, data["category"], by=user)
    if decision.supported:
        return f"Classified as {data['category']}: {decision.reason}"
    return f"Classified as {data['category']}: {decision.reason} Decline it with the clause."


def _decline(incident, data, user):
    actions.decline(incident, data["category"], by=user, message=data["message"])
    return "Declined; the client was told why, with the clause."


def _migration(incident, data, user):
    left = actions.log_migration_time(incident, data["minutes"], by=user, note=data["note"])
    return (
        f"{data['minutes']} minutes of migration assistance logged; "
        f"{left.allowance_minutes_left or 0} left."
    )


def _override(incident, data, user):
    actions.override_entitlement(incident, reason=data["reason"], by=user)
    return "Entitlement overridden: the incident is accepted and the client acknowledged."


def _upgrade(incident, data, user):
    actions.require_upgrade(incident, by=user, message=data["message"])
    return "Upgrade required: the incident waits on the client."


def _resolve(incident, data, user):
    actions.resolve(incident, by=user, summary=data["summary"])
    return "Resolved; the client was told."


def _reopen(incident, data, user):
    actions.reopen(incident, by=user, reason=data["reason"])
    return "Reopened."


ACTIONS: dict[str, Action] = {
    "reply": Action("Reply", f.ReplyForm, _reply, "Send reply"),
    "note": Action("Internal note", f.NoteForm, _note, "Add note"),
    "request-info": Action(
        "Request missing information", f.RequestInfoForm, _request_info, "Ask the client"
    ),
    "regrade": Action("Re-grade severity", f.RegradeForm, _regrade, "Re-grade"),
    "assign": Action("Assign", f.AssignForm, _assign, "Assign"),
    "take-over": Action("Take over", f.TakeOverForm, _take_over, "Take it over"),
    "escalate": Action("Escalate", f.EscalateForm, _escalate, "Escalate"),
    "call": Action("Log a call", f.CallForm, _call, "Log the call"),
    "session": Action("Book a remote session", f.SessionForm, _session, "Book the session"),
    "classify": Action("Classify scope", f.ClassifyForm, _classify, "Classify"),
    "decline": Action(
        "Decline with clause", f.DeclineForm, _decline, "Review the decline…", confirm=True
    ),
    "migration": Action("Log migration time", f.MigrationForm, _migration, "Log the time"),
    "override": Action("Override entitlement", f.OverrideForm, _override, "Accept the incident"),
    "upgrade": Action("Require upgrade", f.UpgradeForm, _upgrade, "Require the upgrade"),
    "resolve": Action("Resolve", f.ResolveForm, _resolve, "Resolve"),
    "reopen": Action("Reopen", f.ReopenForm, _reopen, "Reopen", confirm=True),
}


def _available(incident: Incident, user) -> set[str]:
    """The actions that make sense now (the action functions still check for themselves)."""
    if not incident.is_open:
        return {"note", "assign", "call", "reopen"}
    names = set(ACTIONS) - {"reopen"}
    if user.role != user.Role.SENIOR:
        names.discard("take-over")
    if incident.entitlement != Incident.Entitlement.DENIED:
        names.discard("override")
    if incident.product_line.is_cloud:
        names.discard("upgrade")
    if incident.escalated_at is not None:
        names.discard("escalate")
    return names


def _lifecycle(incident):
    product, release = incident.product_line, incident.release
    if release is None and not product.is_cloud:
        return None
    try:
        return engine.lifecycle(product, release)
    except UnknownRelease:
        return None


def _migration_left(incident):
    try:
        return engine.scope(
            "migration-assistance", client=incident.client, product=incident.product_line
        )
    except PolicyQuestionError:
        return None


def incident_context(request, incident: Incident, bound: f.ActionForm | None = None) -> dict:
    user, now = request.user, timezone.now()
    files = Attachment.objects.visible_to(user).order_by("created_at", "pk")
    events = (
        Event.objects.visible_to(user)
        .filter(incident=incident)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=files))
        .order_by("created_at", "pk")
    )
    clocks = [clock_left(c, now) for c in incident.clocks.order_by("started_at", "pk")]
    checklist = [
        {
            "key": field.key,
            "label": field.label,
            "group": field.group,
            "required": field.required,
            "help": field.help,
            "value": incident.intake.get(field.key, ""),
            "missing": field.key in incident.missing,
        }
        for field in intake.checklist()
    ]
    available = _available(incident, user)
    if bound is not None:
        available.add(bound.slug)  # its error must be seen even if the action no longer fits
    canned = list(CannedReply.objects.visible_to(user))
    initial_reply = {}
    picked = request.GET.get("canned")
    if picked and picked.isdigit():
        chosen = next((c for c in canned if c.pk == int(picked)), None)
        if chosen is not None:
            initial_reply = {"body": chosen.body}
    action_forms = {}
    for slug in available:
        spec = ACTIONS[slug]
        if bound is not None and bound.slug == slug:
            action_forms[slug] = bound
        else:
            initial = initial_reply if slug == "reply" else None
            action_forms[slug] = spec.form(initial=initial, incident=incident, user=user)
    products = [
        row
        for row in entitlement_rows(engine.overview(incident.client, now))
        if row.product.pk == incident.product_line_id
    ]
    licences = (
        Licence.objects.visible_to(user)
        .filter(client=incident.client)
        .select_related("product_line", "release")
        .prefetch_related("applied_maintenance")
        .order_by("product_line__position", "product_line__name", "-purchased_on")
    )
    policy = get_policy()
    return {
        "incident": incident,
        "events": events,
        "loose_files": files.filter(incident=incident, event__isnull=True),
        "clocks": clocks,
        "checklist": checklist,
        "missing_count": len(incident.missing),
        "lifecycle": _lifecycle(incident),
        "entitlement": products[0] if products else None,
        "licences": licences,
        "sessions": incident.sessions.select_related("agent").order_by("starts_at"),
        "forms": action_forms,
        "specs": ACTIONS,
        "available": available,
        "open_action": bound.slug if bound is not None else request.GET.get("action", ""),
        "canned": canned,
        "migration": _migration_left(incident) if "migration" in available else None,
        "severity_name": incident.severity_name,
        "proposed_severity_name": _severity_name(policy, incident.proposed_severity),
        "what_to_do": actions.what_to_do(incident.entitlement_clause),
        "is_senior": user.role == user.Role.SENIOR,
        "now": now,
    }


def _severity_name(policy, level):
    try:
        return policy.severity(level).name
    except KeyError:
        return str(level)


@staff_required
@require_http_methods(["GET", "HEAD"])
def incident_page(request, number):
    """One incident: header, timeline, checklist, clocks, entitlement, installed base, actions."""
    incident = _incident(request, number)
    context = incident_context(request, incident)
    if _partial(request):
        context["partial"] = True
        return render(request, "console/incident.html#incident", context)
    return render(request, "console/incident.html", context)


@staff_required
@require_POST
def incident_action(request, number, action):
    """Run one action on an incident; its refusal is shown at its form, nothing changed."""
    spec = ACTIONS[action]
    incident = _incident(request, number)
    form = spec.form(request.POST, incident=incident, user=request.user)
    if form.is_valid():
        if spec.confirm and request.POST.get("confirmed") != "yes":
            return _confirm_action(request, incident, action, form)
        try:
            done = spec.run(incident, form.cleaned_data, request.user)
        except (IncidentError, PolicyQuestionError) as exc:
            form.add_error(form.error_field, str(exc))
        else:
            messages.success(request, done)
            if _partial(request):
                incident = _incident(request, number)
                context = {**incident_context(request, incident), "partial": True}
                return render(request, "console/incident.html#incident", context)
            return redirect(incident)
    # Read it again: an action refused halfway may have changed the object in memory, never
    # the database (each action is one transaction).
    incident = _incident(request, number)
    form.incident = incident
    context = incident_context(request, incident, bound=form)
    context["failed"] = spec.title
    if _partial(request):
        context["partial"] = True
        return render(request, "console/incident.html#incident", context)
    return render(request, "console/incident.html", context, status=400)


def _confirm_action(request, incident, action, form):
    """The page that asks before a destructive action, showing what will happen."""
    context = {"incident": incident, "action": action, "form": form, "title": ACTIONS[action].title}
    if action == "decline":
        category = form.cleaned_data["category"]
        decision = engine.scope(category, client=incident.client, product=incident.product_line)
        policy = get_policy()
        context.update(
            decision=decision,
            category=policy.scope.get(category),
            clause_text=policy.clause(decision.clause).text,
            referral=policy.referrals.get(decision.referral),
        )
    return render(request, "console/confirm_action.html", context)


# ---- A new incident for a caller ------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_incident(request):
    """Open an incident for a client's caller; a refused entitlement can be held for review."""
    if request.method == "POST":
        clients = Client.objects.visible_to(request.user)
        client = clients.filter(number=request.POST.get("client", "")).first()
        if client is None:
            lookup = f.ClientLookupForm(request.POST)
            lookup.is_valid()
            return render(request, "console/new_incident.html", {"lookup": lookup}, status=400)
        form = f.NewIncidentForm(request.POST, client=client)
        refusal = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident = actions.open_incident(
                    client=client,
                    product=data["product"],
                    contact=data["contact"],
                    release=data["release"],
                    subject=data["subject"],
                    severity=data["severity"],
                    channel=data["channel"],
                    description=data["description"],
                    by=request.user,
                    accept_unentitled=data["accept_unentitled"],
                )
            except IncidentError as exc:
                refusal = _refusal(client, data)
                if refusal is None:
                    form.add_error(None, str(exc))
            else:
                if incident.entitlement == Incident.Entitlement.DENIED:
                    messages.warning(
                        request, f"{incident.number} is held for review: override or decline it."
                    )
                else:
                    messages.success(request, f"{incident.number} opened.")
                return redirect(incident)
        context = {"form": form, "client": client, "refusal": refusal}
        return render(request, "console/new_incident.html", context, status=200 if refusal else 400)
    if "client" in request.GET:
        lookup = f.ClientLookupForm(request.GET)
        if lookup.is_valid():
            client = lookup.cleaned_data["client"]
            form = f.NewIncidentForm(client=client)
            context = {"form": form, "client": client, "lookup": lookup}
            if _partial(request):
                return render(request, "console/new_incident.html#details", context)
            return render(request, "console/new_incident.html", context)
    else:
        lookup = f.ClientLookupForm()
    if _partial(request):
        context = {"lookup": lookup, "partial": True}
        return render(request, "console/new_incident.html#details", context)
    return render(request, "console/new_incident.html", {"lookup": lookup})


def _refusal(client, data):
    """Why the policy refused the incident (the engine's decision), or None if it did not."""
    product, release = data["product"], data["release"]
    if release is None and not product.is_cloud:
        release = engine.running_release(client, product)
    try:
        decision = actions.intake_decision(client, product, data["channel"], release)
    except (PolicyQuestionError, KeyError):
        return None
    if decision.allowed:
        return None
    return {
        "decision": decision,
        "what_to_do": actions.what_to_do(decision.clause),
    }


# ---- Canned replies -------------------------------------------------------------------------

CANNED_SORTS = {"title": ("title", "pk"), "-title": ("-title", "-pk"), "owner": ("owner", "title")}


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def canned_replies(request):
    """My canned replies and the shared ones: search, sort, 25 a page; add one."""
    form = f.CannedReplyForm()
    status = 200
    if request.method == "POST":
        form = f.CannedReplyForm(request.POST)
        if form.is_valid():
            try:
                reply = save_canned_reply(owner=request.user, **form.cleaned_data)
            except ConsoleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Saved the canned reply “{reply.title}”.")
                return redirect("console:canned")
        status = 400
    replies = CannedReply.objects.visible_to(request.user).select_related("owner")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        replies = replies.filter(Q(title__icontains=query) | Q(body__icontains=query))
    sort = request.GET.get("sort", "title")
    if sort not in CANNED_SORTS:
        sort = "title"
    page = Paginator(replies.order_by(*CANNED_SORTS[sort]), CANNED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "query": query, "sort": sort}
    if _partial(request) and request.method == "GET":
        return render(request, "console/canned.html#results", context)
    return render(request, "console/canned.html", context, status=status)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_canned(request, pk):
    """Delete a canned reply of mine or a shared one, after a confirmation."""
    reply = get_object_or_404(CannedReply.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        delete_canned_reply(reply)
        messages.success(request, f"Deleted the canned reply “{reply.title}”.")
        return redirect("console:canned")
    shared = " It is shared: no agent will be offered it any more." if reply.shared else ""
    return render(
        request,
        "console/confirm_delete.html",
        {
            "title": f"Delete the canned reply “{reply.title}”?",
            "what": f"Replies already sent keep their text.{shared}",
            "detail": reply.body,
            "cancel": reverse("console:canned"),
        },
    )
