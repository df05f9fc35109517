"""Attachment checks: size, and type by extension AND by content (magic bytes)."""

import zipfile
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _

from alliance.errors import InvalidInput

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024

ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
OOXML = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/"),
}
SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}
ALLOWED_EXTENSIONS = sorted({*ODF, *OOXML, *SIGNATURES})


def forbidden():
    return InvalidInput(
        _("Type de fichier refusé. Types acceptés : %(types)s.")
        % {"types": ", ".join(ALLOWED_EXTENSIONS)},
        code="attachment_type_forbidden",
    )


def _zip_names(upload) -> tuple[list[str], bytes]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        raise forbidden() from None
    return names, mimetype


def checked_content_type(upload) -> str:
    """The content type of an accepted upload; raise `attachment_too_large` or
    `attachment_type_forbidden` otherwise. Reads only the file, changes nothing."""
    if upload.size > MAX_ATTACHMENT_SIZE:
        raise InvalidInput(
            _("Le fichier dépasse %(max)s Mo.") % {"max": MAX_ATTACHMENT_SIZE // (1024 * 1024)},
            code="attachment_too_large",
            details={"max_bytes": MAX_ATTACHMENT_SIZE, "size": upload.size},
        )
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    upload.seek(0)
    head = upload.read(16)
    if extension in SIGNATURES:
        magic, content_type = SIGNATURES[extension]
        if not head.startswith(magic):
            raise forbidden()
        return content_type
    if extension in ODF or extension in OOXML:
        if not head.startswith(b"PK\x03\x04"):
            raise forbidden()
        names, mimetype = _zip_names(upload)
        if extension in ODF:
            if mimetype.strip() != ODF[extension].encode():
                raise forbidden()
            return ODF[extension]
        content_type, folder = OOXML[extension]
        if "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
            raise forbidden()
        return content_type
    raise forbidden()
