"""Template helpers: clause links, service names, times in the support zone."""

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html

from caredesk.policy import get_policy

register = template.Library()


@register.simple_tag
def clause_link(clause_id: str):
    """The clause id as a link to its text on the published policy page."""
    clause = get_policy().document.clauses.get(clause_id)
    title = f"{clause_id}: {clause.title}" if clause else clause_id
    return format_html(
        '<a class="clause" href="{}#{}" title="{}">{}</a>',
        reverse("policy"),
        clause_id,
        title,
        clause_id,
    )


@register.filter
def clause_title(clause_id: str) -> str:
    clause = get_policy().document.clauses.get(clause_id)
    return clause.title if clause else ""


@register.filter
def service_name(slug: str) -> str:
    """A service slug in the policy's words."""
    service = get_policy().document.services.get(slug)
    return service.name if service else slug


@register.simple_tag
def support_time(value, fmt: str = "D H:i T") -> str:
    """An instant on the support calendar's clock, formatted (shown beside the viewer's own).

    A tag, not a filter: the `date` filter would convert the value back to the viewer's zone.
    """
    if value is None:
        return ""
    return dateformat.format(timezone.localtime(value, get_policy().support_zone), fmt)


@register.simple_tag(takes_context=True)
def support_zone_differs(context) -> bool:
    """Whether the viewer's zone differs from the support zone (then both are shown)."""
    return timezone.get_current_timezone_name() != get_policy().support_zone.key


@register.filter
def status_badge(status: str) -> str:
    """The badge colour of a lifecycle status."""
    from caredesk.web.presenters import status_badge as badge

    return badge(status)


@register.filter
def clause_text(clause_id: str) -> str:
    """The policy's own words for a clause."""
    clause = get_policy().document.clauses.get(clause_id)
    return clause.text if clause else ""


@register.filter
def addon_name(slug: str) -> str:
    """An add-on slug in the policy's words."""
    addon = get_policy().document.addons.get(slug)
    return addon.name if addon else slug
