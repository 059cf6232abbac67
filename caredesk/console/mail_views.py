"""The console's mail pages: each mailbox's health, the quarantine and what became of recent
mail (`/console/mail/`), and one inbound message with what an agent can do about it (retry,
open an incident by hand, dismiss) at `/console/mail/<pk>/`.

Support staff only, like every console page. Every message comes from
`InboundMessage.objects.visible_to(user)`; every change of state is one call of an action in
`caredesk.mail.actions`, whose refusal is shown at the form that asked for it.

A message is shown as text, always escaped. Its HTML (already sanitized by the parser) is shown
twice, neither time as part of our page: as source text, and as the sender laid it out inside
an `<iframe sandbox srcdoc=…>` with an empty sandbox (no scripts, no forms, no navigation, an
origin of its own) whose document forbids every remote load (no tracking pixels, no fonts).
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

import nh3
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from caredesk.catalog.models import ProductLine
from caredesk.clients.models import Client, Contact
from caredesk.incidents.actions import IncidentError
from caredesk.mail import actions as mail_actions
from caredesk.mail.models import InboundMessage, Mailbox

from .forms import severity_choices
from .views import _partial, staff_required

log = logging.getLogger(__name__)

MESSAGES_PER_PAGE = 25
# A mailbox is fetched every minute; one not fetched for this long has no worker fetching it.
# The same span after which a failing mailbox alerts the managers.
STALE_AFTER = timedelta(minutes=15)
RECENT = timedelta(hours=24)
# Inline images up to this size are shown in the HTML preview as data: addresses.
INLINE_IMAGE_LIMIT = 2_000_000
PREVIEW_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
RAW_SHOWN = 200_000  # characters of an unparseable message shown on its page

LISTS = {
    "quarantine": "Quarantine",
    "routed": "Routed",
    "all": "All mail",
}
SORTS = {"newest": "Newest first", "oldest": "Oldest first"}


def _messages(user):
    """Inbound mail a user may see, without the raw bytes (a list never needs them)."""
    return InboundMessage.objects.visible_to(user).defer("raw")


# ---- Health ---------------------------------------------------------------------------------


@dataclass
class Health:
    """How one mailbox is doing, in words and a badge tone."""

    box: Mailbox
    tone: str
    label: str
    detail: str = ""


def health_of(box: Mailbox, now) -> Health:
    if not box.is_active:
        return Health(box, "neutral", "Paused", "Not fetched: the mailbox is switched off.")
    if box.failing_since is not None:
        minutes = int((now - box.failing_since).total_seconds() // 60)
        if box.alerted_at:
            at = timezone.localtime(box.alerted_at)
            detail = f"Managers alerted {at:%a %b} {at.day}, {at:%H:%M}."
        else:
            due = timezone.localtime(box.failing_since + STALE_AFTER)
            detail = f"Managers are alerted at {due:%H:%M} if it still fails."
        return Health(box, "bad", f"Failing for {minutes} min" if minutes else "Failing", detail)
    if box.last_fetch_at is None:
        return Health(box, "warn", "Never fetched", "Is the worker running (`caredesk worker`)?")
    if now - box.last_fetch_at > STALE_AFTER:
        minutes = int((now - box.last_fetch_at).total_seconds() // 60)
        return Health(
            box,
            "warn",
            f"No fetch for {minutes} min",
            "The worker fetches every minute: is it running?",
        )
    if box.backlog:
        return Health(box, "warn", "Catching up", f"{box.backlog} messages wait for the next pass.")
    return Health(box, "ok", "OK")


def is_dismissed(inbound: InboundMessage) -> bool:
    """Taken out of the quarantine by an agent."""
    return inbound.outcome == InboundMessage.Outcome.DISMISSED


def _outcome_counts(user, now) -> list[dict]:
    """What became of the last 24 hours' mail, one chip per outcome (quarantine included)."""
    recent = (
        InboundMessage.objects.visible_to(user)
        .filter(received_at__gte=now - RECENT)
        .values("state", "outcome")
        .annotate(n=Count("pk"), linked=Count("incident"))
        .order_by()
    )
    counts: dict[str, int] = {}
    for row in recent:
        if row["state"] == InboundMessage.State.RECEIVED:
            counts["received"] = counts.get("received", 0) + row["n"]
        elif row["state"] == InboundMessage.State.QUARANTINED:
            counts["quarantined"] = counts.get("quarantined", 0) + row["n"]
        elif row["outcome"] == InboundMessage.Outcome.DUPLICATE:
            counts["duplicate"] = counts.get("duplicate", 0) + row["n"]
        else:  # routed into an incident, or dismissed by an agent (no incident)
            if row["linked"]:
                counts[row["outcome"]] = counts.get(row["outcome"], 0) + row["linked"]
            if row["n"] - row["linked"]:
                counts["dismissed"] = counts.get("dismissed", 0) + row["n"] - row["linked"]
    labels = {
        **{value: label for value, label in InboundMessage.Outcome.choices if value},
        "received": "Not yet routed",
        "dismissed": "Dismissed",
    }
    return [{"key": k, "label": labels.get(k, k), "n": counts[k]} for k in labels if k in counts]


# ---- The mail page: health, quarantine, recent outcomes -------------------------------------


class MessageFilter(forms.Form):
    """The mail list's filters: which list, a search, an outcome, the order."""

    show = forms.ChoiceField(choices=list(LISTS.items()), required=False)
    q = forms.CharField(required=False, max_length=200)
    outcome = forms.ChoiceField(
        choices=[("", "Any")] + [c for c in InboundMessage.Outcome.choices if c[0]],
        required=False,
    )
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False)
    mailbox = forms.IntegerField(required=False, min_value=1)


def _filtered(user, params) -> tuple[object, dict]:
    form = MessageFilter(params)
    data = form.cleaned_data if form.is_valid() else {}
    show = data.get("show") or "quarantine"
    rows = _messages(user).select_related("mailbox", "incident")
    if show == "quarantine":
        rows = rows.quarantined()
    elif show == "routed":
        rows = rows.filter(state=InboundMessage.State.PROCESSED)
    query = (data.get("q") or "").strip()
    if query:
        rows = rows.filter(
            Q(subject__icontains=query)
            | Q(from_addr__icontains=query)
            | Q(message_id__icontains=query)
            | Q(reason__icontains=query)
            | Q(incident__number__iexact=query)
        )
    if data.get("outcome"):
        rows = rows.filter(outcome=data["outcome"])
    if data.get("mailbox"):
        rows = rows.filter(mailbox_id=data["mailbox"])
    sort = data.get("sort") or "newest"
    rows = (
        rows.order_by("received_at", "pk")
        if sort == "oldest"
        else rows.order_by("-received_at", "-pk")
    )
    chosen = {
        "show": show,
        "q": query,
        "outcome": data.get("outcome") or "",
        "sort": sort,
        "mailbox": data.get("mailbox"),
    }
    return rows, chosen


@staff_required
@require_http_methods(["GET", "HEAD"])
def mail(request):
    """Each mailbox's health, the quarantine (or all recent mail) with search, 25 a page."""
    now = timezone.now()
    rows, chosen = _filtered(request.user, request.GET)
    page = Paginator(rows, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "chosen": chosen,
        "lists": LISTS,
        "sorts": SORTS,
        "outcomes": [c for c in InboundMessage.Outcome.choices if c[0]],
        "now": now,
    }
    if _partial(request):
        return render(request, "console/mail/mail.html#results", context)
    quarantined = InboundMessage.objects.visible_to(request.user).quarantined().count()
    context.update(
        health=[health_of(box, now) for box in Mailbox.objects.visible_to(request.user)],
        recent=_outcome_counts(request.user, now),
        quarantined=quarantined,
    )
    return render(request, "console/mail/mail.html", context)


# ---- One message ----------------------------------------------------------------------------


@dataclass
class Shown:
    """A stored message as its page shows it."""

    parsed: object = None
    error: str = ""  # why it could not be parsed
    raw_text: str = ""  # the raw message as text, when it could not be parsed
    attachments: list = field(default_factory=list)
    preview: str = ""  # the sandboxed document of the HTML part


def _parse(inbound: InboundMessage):
    """The parsed message, or (None, why). A message in quarantine may be there because the
    parser failed on it: its page must show it all the same."""
    from caredesk.mail.parsing import UnparseableMail, parse

    try:
        return parse(bytes(inbound.raw)), ""
    except UnparseableMail as exc:
        return None, f"not an e-mail message: {exc}"
    except Exception as exc:  # noqa: BLE001 - any parser bug still leaves a page to act on
        log.exception("parsing inbound message %s for display failed", inbound.pk)
        return None, f"the parser failed: {type(exc).__name__}: {exc}"


def _local_only(tag: str, attribute: str, value: str) -> str | None:
    """Drop every address that would load something from elsewhere (tracking pixels): the
    browser's preload scanner may fetch an image before a CSP meta tag takes effect."""
    if attribute in {"src", "srcset", "background", "poster", "lowsrc", "dynsrc"}:
        return value if value.strip().lower().startswith(("cid:", "data:")) else None
    return value


def _preview_document(html: str, attachments) -> str:
    """The sanitized HTML as a document of its own that loads nothing from anywhere: inline
    images are put in as data: addresses, remote addresses are removed and refused by its CSP."""
    html = nh3.clean(
        html, attribute_filter=_local_only, url_schemes={"http", "https", "mailto", "cid"}
    )
    for item in attachments:
        if (
            item.content_id
            and item.content_type in PREVIEW_IMAGE_TYPES
            and len(item.content) <= INLINE_IMAGE_LIMIT
        ):
            data = base64.b64encode(item.content).decode("ascii")
            html = re.sub(
                rf"cid:{re.escape(item.content_id)}(?=[\"'\s>)])",
                f"data:{item.content_type};base64,{data}",
                html,
                flags=re.IGNORECASE,
            )
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        "<style>body{font:14px/1.45 system-ui,sans-serif;margin:8px;color:#1a1a1a;"
        "background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style>"
        f"</head><body>{html}</body></html>"
    )


def shown(inbound: InboundMessage) -> Shown:
    parsed, error = _parse(inbound)
    if parsed is None:
        raw = bytes(inbound.raw)
        text = raw.decode("utf-8", "replace")
        if len(text) > RAW_SHOWN:
            text = text[:RAW_SHOWN] + "\n[… cut here: download the .eml for the rest]"
        return Shown(error=error, raw_text=text)
    attachments = [
        {
            "index": index,
            "filename": item.filename or f"attachment-{index}",
            "content_type": item.content_type,
            "size": len(item.content),
            "inline": item.inline,
        }
        for index, item in enumerate(parsed.attachments)
    ]
    preview = _preview_document(parsed.html, parsed.attachments) if parsed.html else ""
    return Shown(parsed=parsed, attachments=attachments, preview=preview)


def _inbound(request, pk) -> InboundMessage:
    found = InboundMessage.objects.visible_to(request.user).select_related(
        "mailbox", "incident", "incident__client"
    )
    return get_object_or_404(found, pk=pk)


# ---- Forms of the actions -------------------------------------------------------------------


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why dismiss it",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the message, which stays stored (e.g. spam, a newsletter).",
    )


class OpenIncidentForm(forms.Form):
    """A quarantined message turned into an incident by hand. The client is typed by number;
    the contact is one of that client's."""

    client = forms.CharField(
        label="Client number",
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "e.g. C-100", "autocomplete": "off"}),
    )
    contact = forms.ModelChoiceField(
        label="Contact",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="No contact (nobody is mailed)",
        error_messages={"invalid_choice": "Pick a contact of this client."},
    )
    product = forms.ModelChoiceField(
        label="Product", queryset=ProductLine.objects.order_by("position", "name")
    )
    severity = forms.TypedChoiceField(label="Severity", coerce=int)
    subject = forms.CharField(label="Subject", max_length=200)
    # The client whose contacts the form listed: when the number is changed, the contacts of
    # the new client are shown before anything is opened.
    shown_client = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, client: Client | None = None, **kwargs):
        kwargs.setdefault("auto_id", "id_open_%s")
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["severity"].choices = severity_choices()
        if self.is_bound:
            number = (self.data.get("client") or "").strip()
            client = Client.objects.visible_to(user).filter(number__iexact=number).first()
        self.client_found = client
        if client is not None:
            self.fields["contact"].queryset = Contact.objects.visible_to(user).filter(
                client=client, is_active=True
            )
            self.fields["contact"].label_from_instance = lambda c: f"{c.name} <{c.email}>"
            if not self.is_bound:
                self.fields["shown_client"].initial = client.number

    def clean_client(self):
        if self.client_found is None:
            raise forms.ValidationError("No client has this number.")
        return self.client_found

    def clean(self):
        data = super().clean()
        client = data.get("client")
        if client is not None and (self.data.get("shown_client") or "") != client.number:
            # A new client number: its contacts were not on the form yet. Ask again.
            self.add_error("contact", f"Pick {client.name}'s contact from the list now shown.")
        return data


def _guess(inbound: InboundMessage, parsed) -> tuple[dict, Client | None]:
    """The open form's first values: the sender's client and contact when the address is
    known, the mailbox's product, severity 3, the mail's subject."""
    initial = {"severity": "3", "subject": (inbound.subject or "(no subject)")[:200]}
    address = inbound.from_addr or (parsed.from_addr if parsed else "")
    contact = (
        Contact.objects.filter(email__iexact=address, is_active=True)
        .select_related("client")
        .order_by("pk")
        .first()
        if address
        else None
    )
    client = contact.client if contact else None
    if client is None and "@" in address:
        domain = address.rsplit("@", 1)[1].lower()
        matches = [
            c
            for c in Client.objects.exclude(mail_domains=[])
            if domain in {d.lower() for d in c.mail_domains}
        ]
        client = matches[0] if len(matches) == 1 else None
    if client is not None:
        initial["client"] = client.number
    if contact is not None:
        initial["contact"] = contact.pk
    box = inbound.mailbox
    product = None
    if box is not None:
        mapped = list(box.products.all()[:2])
        product = mapped[0] if len(mapped) == 1 else box.default_product
    if product is None and client is not None:
        licensed = list(
            ProductLine.objects.filter(licences__client=client).distinct().order_by("pk")[:2]
        )
        product = licensed[0] if len(licensed) == 1 else None
    if product is not None:
        initial["product"] = product.pk
    return initial, client


def inbound_context(
    request, inbound: InboundMessage, *, open_form=None, dismiss_form=None, open_action=""
):
    view = shown(inbound)
    quarantined = inbound.state == InboundMessage.State.QUARANTINED
    if quarantined and open_form is None:
        initial, client = _guess(inbound, view.parsed)
        if "client" in request.GET:  # the contacts of another client (a lookup)
            number = request.GET.get("client", "").strip()
            client = Client.objects.visible_to(request.user).filter(number__iexact=number).first()
            initial.pop("contact", None)
            # What the agent typed in the other fields stays as typed.
            initial.update(
                {k: request.GET[k] for k in ("product", "severity", "subject") if k in request.GET}
            )
            initial["client"] = number
        open_form = OpenIncidentForm(initial=initial, user=request.user, client=client)
    return {
        "inbound": inbound,
        "shown": view,
        "parsed": view.parsed,
        "quarantined": quarantined,
        "open_form": open_form,
        "dismiss_form": dismiss_form or DismissForm(auto_id="id_dismiss_%s"),
        "open_action": open_action or request.GET.get("action", ""),
        "dismissed": is_dismissed(inbound),
    }


@staff_required
@require_http_methods(["GET", "HEAD"])
def inbound_page(request, pk):
    """One message: who sent it, why it is where it is, its text, HTML, attachments, actions."""
    inbound = _inbound(request, pk)
    context = inbound_context(request, inbound)
    if _partial(request) and "client" in request.GET:
        return render(request, "console/mail/inbound.html#open-form", context)
    return render(request, "console/mail/inbound.html", context)


@staff_required
@require_http_methods(["GET", "HEAD"])
def inbound_raw(request, pk):
    """The message byte for byte, as an .eml download."""
    inbound = InboundMessage.objects.visible_to(request.user).only("pk", "raw")
    inbound = get_object_or_404(inbound, pk=pk)
    response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{inbound.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_required
@require_http_methods(["GET", "HEAD"])
def inbound_attachment(request, pk, index, filename):
    """One attachment of a stored message, always as a download (whatever type it claims)."""
    inbound = _inbound(request, pk)
    parsed, _ = _parse(inbound)
    if parsed is None or not 0 <= index < len(parsed.attachments):
        raise Http404("No such attachment")
    item = parsed.attachments[index]
    response = HttpResponse(item.content, content_type="application/octet-stream")
    name = item.filename or f"attachment-{index}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _refused(request, inbound, *, open_form=None, dismiss_form=None, action, error=""):
    """The message page again with the refused form open and its errors; nothing changed."""
    inbound = _inbound(request, inbound.pk)  # as the database has it now
    context = inbound_context(
        request, inbound, open_form=open_form, dismiss_form=dismiss_form, open_action=action
    )
    context["failed"] = {"retry": "Retry", "open": "Open an incident", "dismiss": "Dismiss"}[action]
    if inbound.state != InboundMessage.State.QUARANTINED:
        error = error or _not_quarantined(inbound)
    context["error"] = error
    return render(request, "console/mail/inbound.html", context, status=400)


@staff_required
@require_POST
def inbound_retry(request, pk):
    """Route a quarantined message again (after a contact or a product mapping was added)."""
    inbound = _inbound(request, pk)
    if inbound.state != InboundMessage.State.QUARANTINED:
        return _refused(request, inbound, action="retry")
    try:
        routed = mail_actions.retry(inbound, by=request.user)
    except IncidentError as exc:
        return _refused(request, inbound, action="retry", error=str(exc))
    if routed.state == InboundMessage.State.QUARANTINED:
        messages.warning(request, f"Routed again, and quarantined again: {routed.reason}")
    elif routed.incident_id:
        messages.success(
            request, f"Routed: {routed.get_outcome_display().lower()} {routed.incident.number}."
        )
    else:
        messages.success(request, f"Routed: {routed.get_outcome_display().lower()}.")
    return redirect("console:inbound", pk=inbound.pk)


@staff_required
@require_POST
def inbound_open(request, pk):
    """Turn a quarantined message into an incident by hand."""
    inbound = _inbound(request, pk)
    form = OpenIncidentForm(request.POST, user=request.user)
    if inbound.state != InboundMessage.State.QUARANTINED:
        form.is_valid()
        form.add_error(None, _not_quarantined(inbound))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            incident = mail_actions.open_incident_from(
                inbound,
                by=request.user,
                client=data["client"],
                contact=data["contact"],
                product=data["product"],
                severity=data["severity"],
                subject=data["subject"],
            )
        except IncidentError as exc:
            form.add_error(_field_of(str(exc)), str(exc))
        else:
            messages.success(request, f"{incident.number} opened from the message.")
            return redirect(incident)
    form.data = form.data.copy()
    if form.client_found is not None:
        form.data["shown_client"] = form.client_found.number  # its contacts are listed now
    return _refused(request, inbound, open_form=form, action="open")


def _not_quarantined(inbound) -> str:
    return f"This message is no longer in quarantine: {inbound.get_state_display().lower()}."


def _field_of(error: str) -> str | None:
    """Where the action's refusal belongs on the form (most are caught by the form first)."""
    for name in ("contact", "subject", "severity", "product"):
        if name in error:
            return name
    return None


@staff_required
@require_POST
def inbound_dismiss(request, pk):
    """Dismiss a quarantined message with a reason, after a confirmation page."""
    inbound = _inbound(request, pk)
    form = DismissForm(request.POST, auto_id="id_dismiss_%s")
    if inbound.state != InboundMessage.State.QUARANTINED:
        form.is_valid()
        form.add_error(None, _not_quarantined(inbound))
    elif form.is_valid():
        if request.POST.get("confirmed") != "yes":
            return render(
                request,
                "console/mail/confirm_dismiss.html",
                {"inbound": inbound, "form": form, "reason": form.cleaned_data["reason"]},
            )
        try:
            mail_actions.dismiss(inbound, by=request.user, reason=form.cleaned_data["reason"])
        except IncidentError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, "Dismissed: the message stays stored, out of the quarantine.")
            return redirect(f"{reverse('console:mail')}")
    return _refused(request, inbound, dismiss_form=form, action="dismiss")
