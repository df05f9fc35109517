from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation import services
from deliberation.models import Comment, CommentStatus, Notification, Reaction
from tests.deliberation.factories import a_thread, bulk_comments
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    return a_thread("Scénario informel")


def thread_url(thread):
    return reverse("frontend:thread", kwargs={"thread_id": thread.pk})


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_thread_page_uses_the_same_queries_for_10_and_1000_comments(client, member, thread):
    client.force_login(member)
    bulk_comments(thread, 10, reply_every=3)
    small = count_queries(client, thread_url(thread))
    bulk_comments(thread, 990, reply_every=3)
    assert Comment.objects.filter(thread=thread).count() == 1000
    assert count_queries(client, thread_url(thread)) == small


def test_thread_page_query_count_is_pinned(client, member, thread, django_assert_num_queries):
    client.force_login(member)
    bulk_comments(thread, 50, reply_every=2)
    client.get(thread_url(thread))  # warm the content type cache
    # session, user, their CAE, thread, target, every comment's id and parent (to choose the
    # page), the page's comments, networks, my reactions, am I following
    with django_assert_num_queries(10):
        client.get(thread_url(thread))


def test_replies_nest_with_a_capped_indentation(client, member, thread):
    client.force_login(member)
    comments = bulk_comments(thread, 7, reply_every=1)  # a chain: depths 0 to 6
    html = client.get(thread_url(thread)).content.decode()
    assert comments[6].depth == 6
    assert "comment-item--depth-4" in html
    assert "comment-item--depth-5" not in html
    assert f"en réponse à {comments[5].author.display_name}" in html


def test_a_comment_shows_its_cae_networks_and_stance(client, member, thread):
    services.comment_create(author=member, thread=thread, body="Oui", stance="convergence")
    client.force_login(member)
    html = client.get(thread_url(thread)).content.decode()
    assert member.organisation.name in html
    assert "hors réseau" in html
    assert "stance--convergence" in html


def test_an_xss_payload_is_shown_as_text(client, member, thread):
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>[lien](javascript:alert(3))'
    services.comment_create(author=member, thread=thread, body=payload)
    client.force_login(member)
    html = client.get(thread_url(thread)).content.decode()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "javascript:alert" not in html


def test_anonymous_people_are_sent_to_sign_in(client, thread):
    response = client.get(thread_url(thread))
    assert response.status_code == 302
    assert reverse("frontend:login") in response["Location"]


def test_debates_page_lists_active_threads(client, member, thread):
    services.comment_create(author=member, thread=thread, body="Oui")
    a_thread("Fil vide")
    html = client.get(reverse("frontend:debates")).content.decode()
    assert "Scénario informel" in html
    assert "Fil vide" not in html


def test_posting_a_comment_and_a_reply_through_the_form(client, member, delegate, thread):
    client.force_login(member)
    url = reverse("frontend:comment_post", kwargs={"thread_id": thread.pk})
    response = client.post(url, {"body": "Mon avis", "stance": "divergence"})
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.stance == "divergence"
    client.force_login(delegate)
    client.post(url, {"body": "Ma réponse", "parent": comment.pk})
    assert Comment.objects.get(parent=comment).author == delegate
    assert Notification.objects.filter(recipient=member, kind="reply").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "  "}, "Le commentaire est vide."),
        ({"body": "x" * 10_001}, "Le commentaire dépasse 10000 caractères."),
        ({"body": "Oui", "stance": "pour"}, "Position inconnue."),
        ({"body": "Oui", "parent": "abc"}, "Ce commentaire n'est pas dans ce fil."),
    ],
)
def test_bad_comment_forms_show_an_error_and_change_nothing(client, member, thread, data, message):
    client.force_login(member)
    url = reverse("frontend:comment_post", kwargs={"thread_id": thread.pk})
    response = client.post(url, data, follow=True)
    assert message in unescape(response.content.decode())
    assert not Comment.objects.exists()


def test_reacting_twice_with_the_same_button_withdraws(client, member, delegate, thread):
    comment = services.comment_create(author=member, thread=thread, body="Oui")
    client.force_login(delegate)
    url = reverse("frontend:comment_react", kwargs={"comment_id": comment.pk})
    client.post(url, {"kind": "agree"})
    assert Reaction.objects.get().kind == "agree"
    html = client.get(thread_url(thread)).content.decode()
    assert 'value="agree" class="reaction reaction--agree" aria-pressed="true"' in html
    client.post(url, {"kind": "agree"})
    assert not Reaction.objects.exists()


def test_own_comment_reaction_is_refused_with_a_message(client, member, thread):
    comment = services.comment_create(author=member, thread=thread, body="Oui")
    client.force_login(member)
    url = reverse("frontend:comment_react", kwargs={"comment_id": comment.pk})
    response = client.post(url, {"kind": "agree"}, follow=True)
    assert "On ne réagit pas à son propre commentaire." in response.content.decode()


def test_edit_page_and_history(client, member, thread):
    comment = services.comment_create(author=member, thread=thread, body="Première version")
    client.force_login(member)
    url = reverse("frontend:comment_edit", kwargs={"comment_id": comment.pk})
    assert "Première version" in client.get(url).content.decode()
    client.post(url, {"body": "Seconde version", "stance": "suggestion"})
    history = client.get(reverse("frontend:comment_history", kwargs={"comment_id": comment.pk}))
    html = history.content.decode()
    assert "Première version" in html and "Seconde version" in html
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_hidden_and_deleted_comments_keep_their_place_without_their_text(
    client, member, delegate, secretariat, thread
):
    hidden = services.comment_create(author=member, thread=thread, body="Texte masqué")
    deleted = services.comment_create(author=delegate, thread=thread, body="Texte supprimé")
    client.force_login(secretariat)
    client.post(
        reverse("frontend:comment_hide", kwargs={"comment_id": hidden.pk}),
        {"reason": "Attaque personnelle"},
    )
    client.force_login(delegate)
    client.post(reverse("frontend:comment_delete", kwargs={"comment_id": deleted.pk}))
    html = client.get(thread_url(thread)).content.decode()
    assert "Texte masqué" not in html and "Texte supprimé" not in html
    assert "Attaque personnelle" in html
    assert "Commentaire supprimé par son auteur·e." in html
    assert Comment.objects.get(pk=hidden.pk).status == CommentStatus.HIDDEN


def test_moderation_page_is_for_the_secretariat(client, member, delegate, secretariat, thread):
    comment = services.comment_create(author=member, thread=thread, body="Discutable")
    client.force_login(delegate)
    client.post(
        reverse("frontend:comment_report", kwargs={"comment_id": comment.pk}),
        {"reason": "Hors sujet"},
    )
    assert client.get(reverse("frontend:moderation")).status_code == 403
    client.force_login(secretariat)
    html = client.get(reverse("frontend:moderation")).content.decode()
    assert "Hors sujet" in html and "Discutable" in html


def test_search_page_finds_comments(client, member, thread):
    services.comment_create(author=member, thread=thread, body="La gouvernance partagée")
    services.comment_create(author=member, thread=thread, body="Autre sujet")
    client.force_login(member)
    response = client.get(reverse("frontend:debate_search"), {"q": "gouvernance"})
    page = response.context["page"]
    assert [c.body for c in page] == ["La gouvernance partagée"]


def test_notifications_page_marks_read_and_sets_the_preference(client, member, thread):
    from deliberation.notifications import notify

    notify(recipients=[member], kind="reply", title="Une réponse", url="/debats/")
    client.force_login(member)
    html = client.get("/").content.decode()
    assert 'data-unread-count="/api/notifications/unread-count/"' in html
    assert "frontend/js/debates.js" in html
    page = client.get(reverse("frontend:notifications")).content.decode()
    assert "Une réponse" in page
    client.post(reverse("frontend:notifications_read"))
    assert not Notification.objects.filter(read_at=None).exists()
    client.post(reverse("frontend:notifications"), {"email_frequency": "immediate"})
    member.refresh_from_db()
    assert member.notification_preference.email_frequency == "immediate"
    response = client.post(reverse("frontend:notifications"), {"email_frequency": "x"}, follow=True)
    assert "Fréquence inconnue." in response.content.decode()


def test_debate_panel_embeds_a_thread_in_any_page(rf, member, thread):
    from django.template import Context, Template

    services.comment_create(author=member, thread=thread, body="Depuis la proposition")
    request = rf.get("/propositions/x/")
    request.user = member
    html = Template("{% load debate_tags %}{% debate_panel target %}").render(
        Context({"request": request, "target": thread.target})
    )
    assert "Depuis la proposition" in html
    assert f'data-thread="{thread.pk}"' in html
    assert 'name="next" value="/propositions/x/"' in html
    assert "frontend/css/debates.css" in html


def test_a_closed_debate_is_read_only(client, member, delegate, thread):
    services.comment_create(author=member, thread=thread, body="Dernier mot")
    thread.is_open = False
    thread.save()
    client.force_login(delegate)
    html = client.get(thread_url(thread)).content.decode()
    assert "Dernier mot" in html
    assert "Ce débat est fermé aux commentaires." in html
    assert 'id="body-new"' not in html and "data-reply=" not in html


def test_long_threads_are_paged_by_top_level_comment(client, member, thread):
    from deliberation.selectors import ROOTS_PER_PAGE

    comments = bulk_comments(thread, ROOTS_PER_PAGE + 5)
    client.force_login(member)
    first = client.get(thread_url(thread)).content.decode()
    assert f'id="comment-{comments[0].pk}"' in first
    assert f'id="comment-{comments[-1].pk}"' not in first
    assert 'data-last-page="0"' in first
    focused = client.get(thread_url(thread), {"commentaire": comments[-1].pk}).content.decode()
    assert f'id="comment-{comments[-1].pk}"' in focused
    assert 'data-last-page="1"' in focused
    assert "Page 2 sur 2" in focused


def test_reply_report_delete_pages_work_without_javascript(client, member, delegate, thread):
    comment = services.comment_create(author=member, thread=thread, body="Base")
    client.force_login(delegate)
    reply_page = client.get(reverse("frontend:comment_reply", kwargs={"comment_id": comment.pk}))
    assert f'name="parent" value="{comment.pk}"' in reply_page.content.decode()
    report_url = reverse("frontend:comment_report", kwargs={"comment_id": comment.pk})
    assert client.get(report_url).status_code == 200
    response = client.post(report_url, {"reason": ""}, follow=True)
    assert "Indiquez un motif." in response.content.decode()
    client.post(report_url, {"reason": "Hors sujet"})
    assert comment.reports.count() == 1
    delete_url = reverse("frontend:comment_delete", kwargs={"comment_id": comment.pk})
    assert client.get(delete_url).status_code == 403  # only the author withdraws it
    assert client.post(delete_url).status_code == 403
    client.force_login(member)
    assert client.get(delete_url).status_code == 200
    client.post(delete_url)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.DELETED


def test_a_comment_posted_from_an_embedding_page_comes_back_to_it(client, member, thread):
    client.force_login(member)
    url = reverse("frontend:comment_post", kwargs={"thread_id": thread.pk})
    response = client.post(
        url, {"body": "Depuis la page", "next": "/propositions/a/?onglet=2&debat-page=3"}
    )
    comment = Comment.objects.get()
    assert response["Location"] == (
        f"/propositions/a/?onglet=2&commentaire={comment.pk}#comment-{comment.pk}"
    )
    outside = client.post(url, {"body": "Ailleurs", "next": "https://evil.example/"})
    assert outside["Location"].startswith(thread_url(thread))


def test_opening_a_notification_marks_it_read(client, member):
    from deliberation.notifications import notify

    notify(recipients=[member], kind="reply", title="Ouvre-moi", url="/debats/")
    notify(recipients=[UserFactory()], kind="reply", title="Pas à toi", url="/debats/")
    mine, theirs = Notification.objects.order_by("pk")
    client.force_login(member)
    response = client.post(reverse("frontend:notifications_read"), {"id": mine.pk, "open": "1"})
    assert response["Location"] == "/debats/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    other = client.post(reverse("frontend:notifications_read"), {"id": theirs.pk})
    assert other.status_code == 404


def test_the_embedded_panel_costs_a_constant_number_of_queries(
    rf, member, thread, django_assert_num_queries
):
    from django.template import Context, Template

    bulk_comments(thread, 30, reply_every=4)
    target = thread.target
    request = rf.get("/propositions/x/")
    request.user = member
    member.organisation  # noqa: B018 (loaded by the page's header already)
    template = Template("{% load debate_tags %}{% debate_panel target %}")
    # thread, every comment's id and parent, the page's comments, networks, my reactions,
    # am I following
    with django_assert_num_queries(6):
        template.render(Context({"request": request, "target": target}))
