"""Attachment limits (size, type by extension and content) and who may download."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.errors import InvalidInput, NotAllowed
from documents import files, services
from documents.models import Attachment
from tests.documents.factories import draft, published

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(name: str, entries: dict) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("upload", "content_type"),
    [
        (SimpleUploadedFile("note.pdf", PDF), "application/pdf"),
        (SimpleUploadedFile("schema.PNG", PNG), "image/png"),
        (SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20), "image/jpeg"),
        (
            office("budget.ods", {"mimetype": files.ODF["ods"], "content.xml": "<x/>"}),
            files.ODF["ods"],
        ),
        (
            office("statuts.docx", {"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}),
            files.OOXML["docx"][0],
        ),
    ],
)
def test_allowed_files_are_kept_with_their_real_type(steering, upload, content_type):
    document = draft(steering)
    attachment = services.attachment_add(actor=steering, document=document, upload=upload)
    assert attachment.content_type == content_type and attachment.size == upload.size
    upload.seek(0)
    assert attachment.file.read() == upload.read()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("faux.pdf", b"<html><script>alert(1)</script>"),
        SimpleUploadedFile("page.html", b"<html></html>"),
        SimpleUploadedFile("sans-extension", PDF),
        office("faux.docx", {"autre.txt": "x"}),
        office("faux.odt", {"mimetype": "application/zip"}),
        SimpleUploadedFile("casse.xlsx", b"PK\x03\x04pas un zip"),
    ],
)
def test_forbidden_types_are_refused_and_nothing_is_stored(steering, upload):
    document = draft(steering)
    with pytest.raises(InvalidInput) as error:
        services.attachment_add(actor=steering, document=document, upload=upload)
    assert error.value.code == "attachment_type_forbidden"
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(steering, monkeypatch):
    monkeypatch.setattr(files, "MAX_ATTACHMENT_SIZE", 100)
    with pytest.raises(InvalidInput) as error:
        services.attachment_add(
            actor=steering,
            document=draft(steering),
            upload=SimpleUploadedFile("gros.pdf", PDF + b"0" * 200),
        )
    assert error.value.code == "attachment_too_large"
    assert error.value.details["max_bytes"] == 100


def test_only_the_committee_attaches(member, steering):
    with pytest.raises(NotAllowed):
        services.attachment_add(
            actor=member,
            document=draft(steering),
            upload=SimpleUploadedFile("note.pdf", PDF),
        )


def test_downloads_follow_reading_rights(client, api_as, steering, member):
    document = draft(steering)
    attachment = services.attachment_add(
        actor=steering, document=document, upload=SimpleUploadedFile("note.pdf", PDF)
    )
    page_url = reverse("frontend:document_attachment", args=[document.slug, attachment.pk])
    api_url = reverse("api-document-attachment", args=[document.slug, attachment.pk])
    client.force_login(member)
    assert client.get(page_url).status_code == 404  # a draft is the committee's
    assert api_as(member).get(api_url).status_code == 404
    assert api_as(None).get(api_url).status_code == 404
    client.force_login(steering)
    response = client.get(page_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 (no public URL exists)


def test_a_public_publication_serves_its_files_to_anyone(api_as, steering):
    document = published(steering, is_public=True)
    attachment = services.attachment_add(
        actor=steering, document=document, upload=SimpleUploadedFile("note.pdf", PDF)
    )
    response = api_as(None).get(
        reverse("api-document-attachment", args=[document.slug, attachment.pk])
    )
    assert response.status_code == 200


def test_the_committee_removes_an_attachment_and_its_file(
    api_as, steering, member, django_capture_on_commit_callbacks
):
    document = published(steering)
    attachment = services.attachment_add(
        actor=steering, document=document, upload=SimpleUploadedFile("note.pdf", PDF)
    )
    path = attachment.file.path
    url = reverse("api-document-attachment", args=[document.slug, attachment.pk])
    assert api_as(member).delete(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(steering).delete(url).status_code == 204
    assert not Attachment.objects.exists()
    assert not Path(path).exists()


def test_a_zip_bomb_odt_is_refused_through_the_api(api_as, steering):
    document = draft(steering)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", files.ODF["odt"], compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b"\0" * (200 * 1024 * 1024))  # ~200 KB packed
    upload = SimpleUploadedFile("bombe.odt", buffer.getvalue())
    response = api_as(steering).post(
        reverse("api-document-attachments", args=[document.slug]),
        {"file": upload},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "attachment_too_large_uncompressed"
    assert not Attachment.objects.exists()


def test_a_download_takes_the_extension_of_its_checked_type(client, steering):
    document = draft(steering)
    attachment = services.attachment_add(
        actor=steering,
        document=document,
        upload=SimpleUploadedFile("note.pdf", PDF),
        name="evil.html",
    )
    client.force_login(steering)
    response = client.get(
        reverse("frontend:document_attachment", args=[document.slug, attachment.pk])
    )
    assert 'filename="evil.pdf"' in response["Content-Disposition"]


def test_a_missing_attachment_file_answers_404(client, api_as, steering):
    document = draft(steering)
    attachment = services.attachment_add(
        actor=steering, document=document, upload=SimpleUploadedFile("note.pdf", PDF)
    )
    Path(attachment.file.path).unlink()
    client.force_login(steering)
    page = reverse("frontend:document_attachment", args=[document.slug, attachment.pk])
    assert client.get(page).status_code == 404
    api = api_as(steering).get(
        reverse("api-document-attachment", args=[document.slug, attachment.pk])
    )
    assert api.status_code == 404 and api.json()["code"] == "attachment_not_found"
