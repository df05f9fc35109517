"""Downloads of a document's text: Markdown as written, or a standalone HTML page."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from alliance.errors import InvalidInput, NotFound
from documents import selectors
from documents.models import Document
from documents.selectors import Text

FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


def export_filename(document: Document, text: Text, fmt: str) -> str:
    suffix = f"-v{text.version.number}" if text.version else "-brouillon"
    return f"{slugify(document.slug)}{suffix}.{fmt}"


def export_content(document: Document, text: Text, fmt: str) -> str:
    if fmt == "md":
        return f"# {text.title}\n\n{text.body.strip()}\n"
    return render_to_string("documents/standalone.html", {"document": document, "text": text})


def export_response(user, document, fmt: str, number) -> HttpResponse:
    if fmt not in FORMATS:
        raise InvalidInput(_("Format inconnu : md ou html."), code="invalid_format")
    text = selectors.reading_text(user, document, number=selectors.parse_number(number))
    if text is None:
        raise NotFound(_("Rien à télécharger pour ce document."), code="version_not_found")
    response = HttpResponse(export_content(document, text, fmt), content_type=FORMATS[fmt])
    filename = export_filename(document, text, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
