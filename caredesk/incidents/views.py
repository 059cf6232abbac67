"""Downloads of incident attachments, for staff and for the client's contacts alike."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from .models import Attachment


@login_required
def attachment(request, pk: int, filename: str):
    """Serve an attachment as a download, never inline: a file from a stranger's mail must not
    run as a page of ours (HTML, SVG) whatever type it claims."""
    item = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
