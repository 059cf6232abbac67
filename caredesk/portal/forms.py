"""The portal's forms: a request guided by the policy's intake checklist, answers and replies,
the incidents list's filters.

The checklist fields are built from the policy (`intake.checklist()`), so a vendor who changes
the checklist changes this form. They are never required here: P-INTAKE lets a request arrive
with gaps, and support asks for exactly what is missing.
"""

from __future__ import annotations

from django import forms

from caredesk.catalog.models import ProductLine
from caredesk.incidents import intake
from caredesk.policy import get_policy

# Checklist keys this form asks in a control of its own (the product list, the severity radios).
OWN_CONTROLS = {"product", "severity"}
MAX_ANSWER = 2000
MAX_MESSAGE = 10000


class AccessibleForm(forms.Form):
    """A form whose errors are summarised above it, each linked to its control. (Django marks
    the control itself: aria-invalid, and aria-describedby naming `<id>_error`.)"""

    def error_links(self) -> list[dict]:
        """The error summary: each message with the id of the control it belongs to."""
        links = []
        for name, errors in self.errors.items():
            if name not in self.fields:
                continue
            bound = self[name]
            anchor = bound.auto_id
            if isinstance(self.fields[name].widget, forms.RadioSelect):
                anchor = f"{bound.auto_id}_0"
            for error in errors:
                links.append({"anchor": anchor, "label": bound.label, "message": error})
        return links


def _checklist_field(item, *, max_length=MAX_ANSWER) -> forms.CharField:
    # Problem details are prose; client, product and server details fit on a line.
    long = item.group == "problem"
    widget = (
        forms.Textarea(attrs={"rows": 4 if item.required == "always" else 2})
        if long
        else forms.TextInput()
    )
    field = forms.CharField(
        label=item.label,
        required=False,
        max_length=max_length,
        help_text=item.help,
        widget=widget,
    )
    field.intake = item  # the template marks what the policy always requires
    return field


class RequestForm(AccessibleForm):
    """Submit a request: product, subject, severity, and the intake checklist."""

    product = forms.ModelChoiceField(
        label="Product",
        queryset=ProductLine.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the products your company licensed."},
    )
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        help_text="One line that names the problem, e.g. “Scheduled reports are not sent”.",
        error_messages={"required": "Enter a subject: one line that names the problem."},
    )
    severity = forms.TypedChoiceField(
        label="Severity",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how badly the problem affects you.",
            "invalid_choice": "Choose one of the severity levels listed.",
        },
    )
    accept_unentitled = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["product"].queryset = (
            ProductLine.objects.filter(licences__client=client)
            .distinct()
            .order_by("position", "name")
        )
        self.fields["severity"].choices = [
            (s.level, f"{s.level} — {s.name}") for s in get_policy().severities
        ]
        self.intake_keys = []
        for item in intake.checklist():
            if item.key in OWN_CONTROLS or item.required == "when-continuing":
                continue
            self.fields[item.key] = _checklist_field(item)
            self.intake_keys.append(item.key)
        if "description" in self.fields:
            self.fields["description"].widget.attrs["rows"] = 6

    def severity_options(self) -> list[tuple]:
        """Each severity radio with the policy's description and examples of that level."""
        levels = {s.level: s for s in get_policy().severities}
        return [(radio, levels[int(radio.data["value"])]) for radio in self["severity"]]

    @property
    def by_group(self) -> dict[str, dict]:
        """The checklist fields by their policy group (client, product, server, problem)."""
        from caredesk.web.presenters import INTAKE_GROUPS

        groups = {
            key: {"key": key, "name": INTAKE_GROUPS.get(key, key), "fields": []}
            for key in ("client", "product", "server", "problem")
        }
        for item in intake.checklist():
            if item.key in self.intake_keys:
                groups[item.group]["fields"].append(self[item.key])
        return groups

    def values(self) -> dict[str, str]:
        """The checklist answers as `open_incident` takes them."""
        values = {key: self.cleaned_data.get(key, "") for key in self.intake_keys}
        product = self.cleaned_data.get("product")
        if product is not None:
            values.setdefault("product", product.name)
        return values


class AnswerForm(AccessibleForm):
    """A message from the client, answering missing checklist items on the way."""

    body = forms.CharField(
        label="Message",
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, missing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.missing_keys = []
        items = {item.key: item for item in intake.checklist()}
        for key in missing:
            item = items.get(key)
            if item is None:
                continue
            self.fields[key] = _checklist_field(item)
            self.missing_keys.append(key)

    def answer_fields(self):
        return [self[key] for key in self.missing_keys]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("body", "").strip() and not self.answers():
            if self.missing_keys:
                raise forms.ValidationError("Answer at least one item, or write a message.")
            self.add_error("body", "Write a message before sending it.")
        return cleaned

    def answers(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {key: data[key] for key in self.missing_keys if data.get(key, "").strip()}


class IncidentFilterForm(forms.Form):
    """The incidents list: which state, a search by number or subject."""

    STATES = {"open": "Open", "closed": "Closed", "all": "All"}

    state = forms.ChoiceField(choices=list(STATES.items()), required=False)
    q = forms.CharField(label="Search by number or subject", required=False, max_length=100)

    def state_value(self) -> str:
        return (self.cleaned_data.get("state") if self.is_valid() else "") or "open"

    def query(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""
