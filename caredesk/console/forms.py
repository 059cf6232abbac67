"""The console's forms: one small form per incident action, the queue's filter widgets, a new
incident for a caller, saved views and canned replies.

Forms only check the shape of what was typed (required, a number, a date). Whether the change
is allowed is the action's decision: its `IncidentError` is shown at the form (`error_field`).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from caredesk.accounts.models import User
from caredesk.catalog.models import ProductLine, Release
from caredesk.clients.models import Client, Contact
from caredesk.incidents import intake
from caredesk.incidents.models import Incident
from caredesk.plans import engine
from caredesk.policy import get_policy

TEXTAREA = {"rows": 3}


def severity_choices():
    return [(str(s.level), f"{s.level} — {s.name}") for s in get_policy().severities]


def staff_users():
    return User.objects.filter(is_active=True, role__in=User.STAFF_ROLES).order_by(
        "first_name", "username"
    )


class ActionForm(forms.Form):
    """An incident action's form; `error_field` is where the action's refusal is shown."""

    error_field: str | None = None

    def __init__(self, *args, incident: Incident, user, **kwargs):
        self.incident, self.user = incident, user
        kwargs.setdefault("auto_id", f"id_{self.slug}_%s")
        super().__init__(*args, **kwargs)

    slug = "action"


class ReplyForm(ActionForm):
    slug = "reply"
    error_field = "body"
    body = forms.CharField(
        label="Reply to the client",
        widget=forms.Textarea(attrs={"rows": 5, "data-reply": ""}),
        help_text="Sent by e-mail to the contact and shown on the portal.",
    )


class NoteForm(ActionForm):
    slug = "note"
    error_field = "body"
    body = forms.CharField(
        label="Internal note",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Only support staff see notes.",
    )


class RequestInfoForm(ActionForm):
    slug = "request-info"
    items = forms.MultipleChoiceField(
        label="Ask the client for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label="Message", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(f.key, f.label) for f in intake.checklist()]
        self.fields["items"].initial = list(self.incident.missing)


class RegradeForm(ActionForm):
    slug = "regrade"
    error_field = "severity"
    severity = forms.TypedChoiceField(label="New severity", coerce=int)
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs=TEXTAREA), help_text="Kept on the timeline."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["severity"].choices = severity_choices()
        self.fields["severity"].initial = str(self.incident.severity)


class AssignForm(ActionForm):
    slug = "assign"
    error_field = "assignee"
    assignee = forms.ModelChoiceField(
        label="Assign to", queryset=User.objects.none(), required=False, empty_label="Nobody"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()
        self.fields["assignee"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.get_role_display().lower()})"
        )
        self.fields["assignee"].initial = self.incident.assignee_id


class TakeOverForm(ActionForm):
    slug = "take-over"


class EscalateForm(ActionForm):
    slug = "escalate"
    error_field = "reason"
    reason = forms.CharField(label="Why escalate", widget=forms.Textarea(attrs=TEXTAREA))


class CallForm(ActionForm):
    slug = "call"
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=24 * 60, initial=5)
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs=TEXTAREA))
    outbound = forms.BooleanField(label="We called the client", required=False, initial=True)


class SessionForm(ActionForm):
    slug = "session"
    error_field = "starts_at"
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=8 * 60, initial=60)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields[
            "starts_at"
        ].help_text = f"Your time ({zone}); inside the client's support hours."


def scope_decisions(incident: Incident) -> dict:
    """The engine's scope answer for every category, for this client and product (P-SCOPE,
    P-THIRDPARTY), asked once per incident and kept on it."""
    if not hasattr(incident, "_scope_decisions"):
        incident._scope_decisions = {
            slug: engine.scope(slug, client=incident.client, product=incident.product_line)
            for slug in get_policy().scope
        }
    return incident._scope_decisions


def _categories(incident: Incident, supported: bool | None = None):
    policy = get_policy()
    choices = []
    for slug, decision in scope_decisions(incident).items():
        if supported is not None and decision.supported != supported:
            continue
        text = policy.scope[slug].text
        text = f"{text[:60]}…" if len(text) > 60 else text
        mark = "" if decision.supported else " (not supported)"
        choices.append((slug, f"{slug}{mark} — {text}"))
    return choices


class ClassifyForm(ActionForm):
    slug = "classify"
    error_field = "category"
    category = forms.ChoiceField(label="Scope category")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _categories(self.incident)
        self.fields["category"].initial = self.incident.scope_category or None


class DeclineForm(ActionForm):
    """Only what the policy does not support can be declined (P-SCOPE)."""

    slug = "decline"
    error_field = "category"
    category = forms.ChoiceField(label="Out-of-scope category")
    message = forms.CharField(
        label="Message to the client", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _categories(self.incident, supported=False)
        if self.incident.scope_category in dict(self.fields["category"].choices):
            self.fields["category"].initial = self.incident.scope_category


class MigrationForm(ActionForm):
    slug = "migration"
    error_field = "minutes"
    minutes = forms.IntegerField(label="Minutes spent", min_value=1, max_value=24 * 60)
    note = forms.CharField(label="Note", required=False, max_length=200)


class OverrideForm(ActionForm):
    slug = "override"
    error_field = "reason"
    reason = forms.CharField(
        label="Why accept it", widget=forms.Textarea(attrs=TEXTAREA), help_text="On the timeline."
    )


class UpgradeForm(ActionForm):
    slug = "upgrade"
    message = forms.CharField(
        label="Message to the client", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ResolveForm(ActionForm):
    slug = "resolve"
    summary = forms.CharField(
        label="Resolution", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ReopenForm(ActionForm):
    slug = "reopen"
    error_field = "reason"
    reason = forms.CharField(label="Why reopen", widget=forms.Textarea(attrs=TEXTAREA))


# ---- The queue ------------------------------------------------------------------------------


def dress_filter_form(form: forms.Form) -> forms.Form:
    """The IncidentFilter's form with widgets fit for a console toolbar.

    The client list can be long: it is typed by number instead of picked from a select.
    """
    fields = form.fields
    fields["q"].widget = forms.TextInput(
        attrs={
            "type": "search",
            "data-search": "",
            "placeholder": "Number, subject or client",
            "autocomplete": "off",
        }
    )
    fields["q"].label = "Search"
    fields["product"].empty_label = "All products"
    fields["product"].label = "Product"
    fields["severity"].widget = forms.CheckboxSelectMultiple(choices=fields["severity"].choices)
    fields["severity"].label = "Severity"
    fields["client"].widget = forms.TextInput(
        attrs={"placeholder": "e.g. C-100", "size": 8, "autocomplete": "off"}
    )
    fields["client"].label = "Client number"
    fields["client"].error_messages["invalid_choice"] = "No client has this number."
    fields["assignee"].widget = forms.Select(
        choices=[("", "Anyone")] + [(u.pk, u.display_name) for u in staff_users()]
    )
    fields["assignee"].label = "Assignee"
    return form


class SaveViewForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80)
    query = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class CannedReplyForm(forms.Form):
    title = forms.CharField(label="Title", max_length=120)
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 5}))
    shared = forms.BooleanField(label="Offer it to every agent", required=False, initial=True)


# ---- A new incident for a caller --------------------------------------------------------------


class ClientLookupForm(forms.Form):
    client = forms.ModelChoiceField(
        label="Client number",
        queryset=Client.objects.all(),
        to_field_name="number",
        widget=forms.TextInput(attrs={"placeholder": "e.g. C-100", "autocomplete": "off"}),
        error_messages={"invalid_choice": "No client has this number."},
    )


class NewIncidentForm(forms.Form):
    """An incident taken on the phone (or from any channel) for a client's contact."""

    client = forms.ModelChoiceField(
        queryset=Client.objects.all(), to_field_name="number", widget=forms.HiddenInput
    )
    contact = forms.ModelChoiceField(
        label="Caller",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="Not a registered contact",
    )
    product = forms.ModelChoiceField(
        label="Product", queryset=ProductLine.objects.order_by("position", "name")
    )
    release = forms.ModelChoiceField(
        label="Release",
        queryset=Release.objects.none(),
        required=False,
        empty_label="As in the installed base",
    )
    channel = forms.ChoiceField(
        label="Channel", choices=Incident.Channel.choices, initial=Incident.Channel.PHONE
    )
    severity = forms.TypedChoiceField(label="Severity", coerce=int)
    subject = forms.CharField(label="Subject", max_length=200)
    description = forms.CharField(
        label="Problem description", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    accept_unentitled = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["client"].initial = client.number
        self.fields["contact"].queryset = client.contacts.filter(is_active=True).order_by("name")
        self.fields["contact"].label_from_instance = lambda c: f"{c.name} — {c.phone or c.email}"
        self.fields["release"].queryset = (
            Release.objects.exclude(kind__in=Release.MAINTENANCE_KINDS)
            .select_related("product_line")
            .order_by("product_line__position", "product_line__name", "-major", "-version")
        )
        self.fields["release"].label_from_instance = lambda r: (
            f"{r.product_line.name} {r.version} ({r.get_status_display()})"
        )
        self.fields["severity"].choices = severity_choices()
        self.fields["severity"].initial = "3"
        licensed = list(
            client.licences.order_by("-purchased_on").values_list("product_line_id", flat=True)
        )
        if licensed and not self.is_bound:
            self.fields["product"].initial = licensed[0]

    def clean(self):
        data = super().clean()
        if data.get("client") and data["client"].pk != self.client.pk:
            raise forms.ValidationError("The client changed: look the client up again.")
        release, product = data.get("release"), data.get("product")
        if release is not None and product is not None and release.product_line_id != product.pk:
            self.add_error("release", f"{release.version} is not a release of {product.name}.")
        return data
