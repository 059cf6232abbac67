"""Plans are bought through `subscribe`, so the admin refuses what the policy refuses."""

from django import forms
from django.contrib import admin

from caredesk.policy import get_policy

from . import engine
from .actions import subscribe
from .models import AllowanceUsage, Subscription


class SubscriptionForm(forms.ModelForm):
    """Shows the policy's refusal (with its clause) at the form instead of saving it."""

    plan = forms.ChoiceField()
    addons = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Subscription
        fields = ("client", "plan", "products", "starts_on", "months", "addons")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = get_policy()
        self.fields["plan"].choices = [(slug, plan.name) for slug, plan in policy.plans.items()]
        self.fields["addons"].choices = [
            (slug, addon.name) for slug, addon in policy.addons.items()
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        decision = engine.plan_change(
            data["client"],
            data["plan"],
            list(data["products"]),
            start=data["starts_on"],
            months=data["months"],
            addons=data.get("addons") or [],
        )
        if not decision.allowed:
            raise forms.ValidationError(f"{decision.reason} ({decision.clause})")
        self.decision = decision
        return data


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("client", "plan", "starts_on", "ends_on", "months", "decided_by_clause")
    list_filter = ("plan",)
    search_fields = ("client__name", "client__number")
    list_select_related = ("client",)
    autocomplete_fields = ("client",)
    readonly_fields = ("ends_on", "policy_version", "decided_by_clause", "renews", "created_by")

    def has_change_permission(self, request, obj=None):
        # A plan is a purchase: a change is a new plan (renewal), never an edit.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = subscribe(
            data["client"],
            data["plan"],
            list(data["products"]),
            starts_on=data["starts_on"],
            months=data["months"],
            addons=data.get("addons") or [],
            by=request.user,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # subscribe() already set the products


@admin.register(AllowanceUsage)
class AllowanceUsageAdmin(admin.ModelAdmin):
    list_display = ("client", "product_line", "allowance", "minutes", "logged_at", "logged_by")
    list_filter = ("allowance",)
    search_fields = ("client__name", "client__number", "note")
    list_select_related = ("client", "product_line", "logged_by")
