"""Changes to an agent's own console settings."""

from django.db import IntegrityError, transaction

from .models import CannedReply, SavedView


class ConsoleError(ValueError):
    """A console setting that cannot be saved; the message says why."""


@transaction.atomic
def save_view(owner, name: str, query: str) -> SavedView:
    name = name.strip()
    if not name:
        raise ConsoleError("give the view a name")
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=owner, name=name[:80], query=query[:500], position=owner.saved_views.count()
            )
    except IntegrityError:
        raise ConsoleError(f"you already have a view named {name!r}") from None


@transaction.atomic
def delete_view(view: SavedView) -> None:
    view.delete()


@transaction.atomic
def save_canned_reply(*, title: str, body: str, owner=None, shared: bool = True) -> CannedReply:
    if not title.strip() or not body.strip():
        raise ConsoleError("a canned reply needs a title and a text")
    return CannedReply.objects.create(title=title.strip(), body=body, owner=owner, shared=shared)


@transaction.atomic
def delete_canned_reply(reply: CannedReply) -> None:
    reply.delete()
