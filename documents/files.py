"""Attachment checks: size, and type by extension AND by content (magic bytes)."""

import zipfile
import zlib
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


def extensions_for(content_type: str) -> list[str]:
    """The extensions a checked type goes by, the usual one first ("jpg" before "jpeg")."""
    types = {
        **ODF,
        **{ext: value[0] for ext, value in OOXML.items()},
        **{ext: value[1] for ext, value in SIGNATURES.items()},
    }
    return [ext for ext, value in types.items() if value == content_type]


def forbidden():
    return InvalidInput(
        _("Type de fichier refusé. Types acceptés : %(types)s.")
        % {"types": ", ".join(ALLOWED_EXTENSIONS)},
        code="attachment_type_forbidden",
    )


# An office file is a zip: bound what it may unpack to (a "zip bomb" is a few megabytes that
# inflate to gigabytes, in whoever opens it). Real documents stay far below: a 300-page report
# with images unpacks to a few tens of megabytes, its XML compressing about tenfold.
MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024  # the whole archive, and so any one member
MAX_ZIP_MEMBERS = 2000
MAX_COMPRESSION_RATIO = 100  # for a member that unpacks to more than RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
CHUNK = 64 * 1024


def too_large_uncompressed(**details):
    return InvalidInput(
        _("Le fichier décompressé dépasserait %(max)s Mo : il est refusé.")
        % {"max": MAX_UNCOMPRESSED_SIZE // (1024 * 1024)},
        code="attachment_too_large_uncompressed",
        details={"max_bytes": MAX_UNCOMPRESSED_SIZE, **details},
    )


def _check_unpacked_size(archive: zipfile.ZipFile) -> None:
    """Refuse an archive that would unpack too far, from its directory first (no
    decompression), then by inflating every member in chunks: zipfile stops each member at its
    declared size and checks its CRC, so a member that lies about its size is refused too, and
    memory never holds more than a chunk."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise too_large_uncompressed(members=len(members), max_members=MAX_ZIP_MEMBERS)
    declared = sum(m.file_size for m in members)
    if declared > MAX_UNCOMPRESSED_SIZE:
        raise too_large_uncompressed(size=declared)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise too_large_uncompressed(member=member.filename, ratio=round(ratio))
    for member in members:
        with archive.open(member) as stream:
            while stream.read(CHUNK):
                pass


def _zip_names(upload) -> tuple[list[str], bytes]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            _check_unpacked_size(archive)
            names = archive.namelist()
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as stream:
                    mimetype = stream.read(200)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, KeyError):
        raise forbidden() from None
    except (NotImplementedError, RuntimeError, ValueError):  # unknown method, encrypted member
        raise forbidden() from None
    return names, mimetype


def checked_content_type(upload) -> str:
    """The content type of an accepted upload; raise `attachment_too_large`,
    `attachment_too_large_uncompressed` (an office file that would unpack too far) or
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
