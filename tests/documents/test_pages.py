"""The documents pages: rights, forms without JavaScript, conflicts, query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import Document, Remark
from tests.documents.factories import BODY_V1, draft, in_review, published
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name, document, *args):
    return reverse(f"frontend:{name}", args=[document.slug, *args])


def test_the_list_is_in_the_main_navigation(client, member, steering):
    in_review(steering)
    client.force_login(member)
    response = client.get(reverse("frontend:documents"))
    assert response.status_code == 200
    assert b'href="/documents/" aria-current="page"' in response.content
    assert "Modèle économique" in response.content.decode()


def test_the_reading_page_has_a_table_of_contents_print_css_and_downloads(client, member, steering):
    document = published(steering)
    client.force_login(member)
    page = client.get(url("document", document)).content.decode()
    assert '<a href="#p-0">Projet économique</a>' in page
    assert '<a href="#p-3">Calendrier</a>' in page
    assert 'id="p-3"><h2>Calendrier</h2>' in page
    assert 'documents-print.css" media="print"' in page
    assert url("document_export", document, "md") in page
    markdown = client.get(url("document_export", document, "md"))
    assert markdown.status_code == 200 and b"Le mod\xc3\xa8le est vot\xc3\xa9" in markdown.content
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_a_member_never_sees_a_working_draft(client, member, steering):
    document = draft(steering)
    client.force_login(member)
    assert client.get(url("document", document)).status_code == 404
    assert client.get(url("document_edit", document)).status_code == 403


def test_query_counts_of_the_document_and_review_pages(
    client, steering, member, django_assert_num_queries
):
    document = in_review(steering)
    others = [UserFactory() for _ in range(4)]
    for i, person in enumerate(others):
        remark = services.remark_create(
            author=person, document=document, paragraph_index=i % 4, body=f"Remarque {i}"
        )
        if i % 2:
            services.remark_answer(actor=steering, remark=remark, status="answered", reply="Vu")
    client.force_login(member)
    client.get(url("document", document))  # warm the session and content types
    with django_assert_num_queries(8):
        assert client.get(url("document", document)).status_code == 200
    with django_assert_num_queries(6):
        page = client.get(url("document_review", document))
    assert page.content.decode().count('class="doc-remark"') == 4


def test_a_member_comments_a_paragraph_without_javascript(client, member, steering):
    document = in_review(steering)
    client.force_login(member)
    review = client.get(url("document_review", document)).content.decode()
    assert review.count("Commenter ce paragraphe") == 5
    response = client.post(
        url("document_remark", document, 2), {"body": "Et les petites CAE ?", "stance": "question"}
    )
    remark = Remark.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#remarque-{remark.pk}")
    assert remark.paragraph_index == 2 and remark.comment.author == member
    missing = client.post(url("document_remark", document, 9), {"body": "?"}, follow=True)
    assert "Ce paragraphe n&#x27;existe pas." in missing.content.decode()
    assert Remark.objects.count() == 1


def test_after_the_deadline_no_comment_form_and_a_clear_refusal(client, member, steering):
    document = in_review(steering)
    Document.objects.filter(pk=document.pk).update(
        review_deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(member)
    page = client.get(url("document_review", document)).content.decode()
    assert "Commenter ce paragraphe" not in page and "Relecture close depuis le" in page
    response = client.post(url("document_remark", document, 1), {"body": "Tard"}, follow=True)
    assert "La relecture est close" in response.content.decode()
    assert not Remark.objects.exists()


def test_the_editor_shows_a_conflict_with_the_diff_and_keeps_the_text(client, steering):
    document = draft(steering)
    services.document_update(
        actor=steering, document=document, base_revision=1, body=BODY_V1 + "\n\nAjout du collègue."
    )
    client.force_login(steering)
    response = client.post(
        url("document_edit", document),
        {"title": document.title, "body": "Mon texte à moi.", "revision": 1},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Conflit d'enregistrement" in page
    assert "<ins>" in page and "Ajout du collègue." in page
    assert "Mon texte à moi.</textarea>" in page
    assert 'name="revision" value="2"' in page
    saved = client.post(
        url("document_edit", document),
        {"title": document.title, "body": "Fusion.", "revision": 2},
    )
    assert saved.status_code == 302
    document.refresh_from_db()
    assert (document.body, document.revision) == ("Fusion.", 3)


def test_the_committee_moves_and_answers_through_forms(client, steering, member):
    document = draft(steering)
    client.force_login(steering)
    deadline = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    client.post(url("document_transition", document), {"to": "in_review", "deadline": deadline})
    document.refresh_from_db()
    assert document.status == "in_review"
    remark = services.remark_create(author=member, document=document, paragraph_index=1, body="?")
    client.post(
        url("document_remark_answer", document, remark.pk),
        {"status": "taken_into_account", "reply": ""},
    )
    assert remark.__class__.objects.get(pk=remark.pk).answer.status == "taken_into_account"
    refused = client.post(url("document_transition", document), {"to": "archived"}, follow=True)
    assert "Impossible de passer" in refused.content.decode()


def test_the_versions_page_shows_the_diff(client, steering, member):
    document = in_review(steering)
    services.document_transition(actor=steering, document=document, to="draft")
    document.refresh_from_db()
    services.document_update(
        actor=steering,
        document=document,
        base_revision=document.revision,
        body=BODY_V1.replace("mutualisent", "partagent"),
    )
    services.document_transition(actor=steering, document=document, to="published")
    client.force_login(member)
    page = client.get(url("document_versions", document) + "?de=1&a=2").content.decode()
    assert "<del>mutualisent</del><ins>partagent</ins>" in page
    assert client.get(url("document_versions", document) + "?de=x").status_code == 200


def test_the_reading_page_names_what_the_document_belongs_to(client, steering, organisation):
    document = published(steering, target=organisation)
    client.force_login(steering)
    page = client.get(url("document", document)).content.decode()
    assert f"Se rapporte à : {organisation.name}" in page or (
        f'<a href="{organisation.get_absolute_url()}">{organisation.name}</a>' in page
    )


def test_the_editor_lists_revisions_including_a_refused_text(client, steering):
    document = draft(steering)
    services.document_update(actor=steering, document=document, base_revision=1, body="A")
    client.force_login(steering)
    client.post(url("document_edit", document), {"title": "T", "body": "Refusé", "revision": 1})
    page = client.get(url("document_edit", document)).content.decode()
    assert "texte en conflit, non appliqué" in page and "Refusé</pre>" in page


def test_the_review_page_speaks_english_too(client, member, steering):
    document = in_review(steering)
    client.force_login(member)
    client.cookies["django_language"] = "en"
    page = client.get(url("document_review", document), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Comment on this paragraph" in page and "In review" in page
