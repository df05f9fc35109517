"""Serving an attachment: always as a download, never sniffed, never from MEDIA_URL."""

from pathlib import PurePath

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from alliance.errors import NotFound
from documents import files
from documents.models import Attachment


def download_name(attachment: Attachment) -> str:
    """The attachment's name, its extension following the type its content was checked to be
    (a PDF named "evil.html" downloads as "evil.pdf"): whoever opens it gets what was checked."""
    extensions = files.extensions_for(attachment.content_type)
    name = attachment.name or "fichier"
    path = PurePath(name)
    if not extensions or path.suffix.lower().lstrip(".") in extensions:
        return name
    stem = path.stem if path.suffix else name
    return f"{stem or 'fichier'}.{extensions[0]}"


def attachment_response(attachment: Attachment) -> FileResponse:
    """Raise `NotFound(code="attachment_not_found")` when the file is no longer on disk."""
    try:
        stream = attachment.file.open("rb")
    except FileNotFoundError:
        raise NotFound(
            _("Le fichier de cette pièce jointe est introuvable."), code="attachment_not_found"
        ) from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=download_name(attachment),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
