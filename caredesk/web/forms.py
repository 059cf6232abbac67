"""Forms of the pages: signing in and searching the clients list."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the attributes password managers and phones expect."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class ClientSearchForm(forms.Form):
    """Search, sort and page the clients list; anything unreadable falls back to the default."""

    SORTS = {
        "name": ("name", "number"),
        "-name": ("-name", "-number"),
        "number": ("number",),
        "-number": ("-number",),
    }

    q = forms.CharField(label="Search clients", required=False, max_length=100, strip=True)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS], initial="name")

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    def ordering(self) -> tuple[str, ...]:
        sort = (self.cleaned_data.get("sort") if self.is_valid() else "") or "name"
        return self.SORTS[sort]

    def sort_key(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or "name"
