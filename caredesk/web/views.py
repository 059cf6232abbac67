"""The pages people see: the published policy, the versions chart, the client area, sign-in.

Views are thin: every query of clients starts from `visible_to(user)`, every entitlement comes
from `caredesk.plans.engine`, and `presenters` arranges both for the templates.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from caredesk.catalog.models import ProductLine, Release
from caredesk.clients.models import Client, Contact, Licence
from caredesk.plans import engine
from caredesk.plans.coverage import support_day
from caredesk.plans.models import Subscription
from caredesk.policy import get_policy

from . import presenters
from .forms import ClientSearchForm, SignInForm

CLIENTS_PER_PAGE = 25


@require_GET
def home(request):
    """Visitors get the landing page, a contact their company's page, staff the clients list."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "web/landing.html")
    if user.is_support_staff:
        return _clients_list(request)
    company = Client.objects.visible_to(user).order_by("name").first()
    if company is not None:
        return redirect(company)
    return render(request, "web/no_company.html")


def _clients_list(request):
    """The staff clients list: search by name or number, sort, 25 a page, the plan in force."""
    form = ClientSearchForm(request.GET)
    query = form.query()
    clients = Client.objects.visible_to(request.user)
    if query:
        clients = clients.filter(Q(name__icontains=query) | Q(number__icontains=query))
    today = support_day(timezone.now())
    clients = clients.order_by(*form.ordering()).prefetch_related(
        Prefetch(
            "subscriptions",
            queryset=Subscription.objects.in_force_on(today)
            .prefetch_related("products")
            .order_by("starts_on"),
            to_attr="plans_today",
        )
    )
    # get_page() turns "abc" into page 1 and 999 into the last page instead of failing.
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "query": query, "sort": form.sort_key(), "page": page, "today": today}
    # A search typed with htmx replaces only the results, not the page around them.
    template = "web/clients.html#results" if request.htmx else "web/clients.html"
    return render(request, template, context)


@require_GET
def policy_page(request):
    """The support policy in force, every table of it, ending with every clause by its id."""
    policy = get_policy()
    context = presenters.policy_context(policy, support_day(timezone.now()))
    return render(request, "web/policy.html", context)


@require_GET
def versions_page(request):
    """The Active Versions chart: per product line, its Current and Prior versions."""
    lines = ProductLine.objects.order_by("position", "name").prefetch_related(
        Prefetch("releases", queryset=Release.objects.chart(), to_attr="active_versions"),
        Prefetch(
            "releases",
            queryset=Release.objects.versions()
            .filter(status=Release.Status.RETIRED)
            .order_by("-major"),
            to_attr="retired_versions",
        ),
    )
    policy = get_policy()
    return render(
        request,
        "web/versions.html",
        {
            "lines": lines,
            "prior_versions": policy.lifecycle.prior_versions,
            "maintenance_for": presenters.maintenance_labels(policy),
            "today": support_day(timezone.now()),
        },
    )


@login_required
@require_GET
def client_detail(request, number):
    """A client's plans, what it is entitled to today and why, its installed base and contacts."""
    user = request.user
    client = get_object_or_404(Client.objects.visible_to(user), number=number)
    policy = get_policy()
    now = timezone.now()
    today = support_day(now)
    subscriptions = (
        Subscription.objects.visible_to(user).filter(client=client).prefetch_related("products")
    )
    licences = (
        Licence.objects.visible_to(user)
        .filter(client=client)
        .select_related("product_line", "release")
        .prefetch_related("applied_maintenance")
        .order_by("product_line__position", "product_line__name", "-purchased_on")
    )
    contacts = Contact.objects.visible_to(user).filter(client=client)
    if not user.is_support_staff:
        contacts = contacts.filter(is_active=True)
    return render(
        request,
        "web/client_detail.html",
        {
            "client": client,
            "now": now,
            "today": today,
            "plans": presenters.plan_rows(subscriptions, today),
            "products": presenters.entitlement_rows(engine.overview(client, now)),
            "licences": licences,
            "contacts": contacts,
            "is_own_company": not user.is_support_staff,
            "warranty_plan": policy.plan(policy.warranty.default_plan).name,
            "warranty_length": str(policy.warranty.length),
        },
    )


class SignInView(auth_views.LoginView):
    """Django's sign-in with our template and form; a signed-in visitor goes straight on."""

    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Django's sign-out (POST only, CSRF-checked), saying so on the page it lands on."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after logout() flushed the session: the message store is still the request's.
        messages.info(request, "You are signed out.")
        return response
