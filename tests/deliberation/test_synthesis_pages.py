"""The synthesis page: rankings, heat table, pins, opinion groups, forms by role."""

import pytest
from django.urls import reverse

from deliberation.models import SynthesisPin
from deliberation.synthesis import services
from tests.deliberation.synthesis_factories import (
    CommentFactory,
    PointFactory,
    make_camps_thread,
    react,
)
from tests.factories import NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def split_thread():
    cpe, bigre = NetworkFactory(name="CPE", acronym="CPE"), NetworkFactory(acronym="BIGRE")
    point = PointFactory(body="Une structure fédérale")
    react(point, OrganisationFactory(networks=[cpe]), "agree", 4)
    react(point, OrganisationFactory(networks=[bigre]), "disagree", 3)
    react(point, OrganisationFactory(), "agree", 1)
    return point


def test_the_page_shows_the_heat_table_with_numbers_and_shades(client, split_thread):
    url = reverse("frontend:synthesis", args=[split_thread.thread_id])
    assert url == f"/debats/{split_thread.thread_id}/synthese/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Divergences" in html and "Une structure fédérale" in html
    assert 'class="num heat heat--4"' in html and ">100 %<" in html  # CPE: 4 of 4
    assert 'class="num heat heat--0"' in html and ">0 %<" in html  # BIGRE: 0 of 3
    assert "1 sur 1" in html and "heat--small" in html  # outside any network: one reaction
    assert f'href="/debats/{split_thread.thread_id}/#comment-{split_thread.pk}"' in html
    assert '<th scope="col" class="num"><abbr title="CPE">CPE</abbr></th>' in html
    assert "synthesis.js" in html and "<script>" not in html
    assert "Épingler dans la synthèse" not in html  # not for the public


def test_the_steering_committee_sees_pin_forms_and_pins_a_point(client, steering, split_thread):
    client.force_login(steering)
    url = reverse("frontend:synthesis", args=[split_thread.thread_id])
    assert "Épingler dans la synthèse" in client.get(url).content.decode()
    response = client.post(
        reverse("frontend:synthesis-pin", args=[split_thread.thread_id]),
        {"comment": split_thread.pk, "kind": "divergence", "summary": "**Désaccord** net"},
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "<strong>Désaccord</strong> net" in html
    assert "Retirer de la synthèse" in html


def test_a_bad_pin_form_shows_the_error_and_keeps_the_text(client, steering, split_thread):
    client.force_login(steering)
    plain = CommentFactory(thread=split_thread.thread)
    response = client.post(
        reverse("frontend:synthesis-pin", args=[split_thread.thread_id]),
        {"comment": split_thread.pk, "kind": "maybe", "summary": "Mon résumé"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Mon résumé" in html
    response = client.post(
        reverse("frontend:synthesis-pin", args=[split_thread.thread_id]),
        {"comment": plain.pk, "kind": "other", "summary": "Hop"},
    )
    assert response.status_code == 400
    assert "Seul un point de synthèse peut être épinglé." in response.content.decode()
    assert not SynthesisPin.objects.exists()


def test_members_cannot_pin_through_the_page(client, delegate, split_thread):
    client.force_login(delegate)
    response = client.post(
        reverse("frontend:synthesis-pin", args=[split_thread.thread_id]),
        {"comment": split_thread.pk, "kind": "other", "summary": "Hop"},
    )
    assert response.status_code == 403
    assert not SynthesisPin.objects.exists()


def test_unpinning_through_the_page(client, steering, split_thread):
    pin = services.synthesis_pin(actor=steering, comment=split_thread, summary="Un")
    client.force_login(steering)
    response = client.post(
        reverse("frontend:synthesis-unpin", args=[split_thread.thread_id, pin.pk])
    )
    assert response.status_code == 302
    assert not SynthesisPin.objects.exists()


def test_the_author_marks_a_point_from_a_form(client, member):
    comment = CommentFactory(author=member)
    client.force_login(member)
    response = client.post(
        reverse("frontend:point-mark", args=[comment.pk]),
        {"is_point": "1", "next": "https://evil.example/"},
    )
    assert response.url == f"/debats/{comment.thread_id}/#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.is_point


def test_opinion_groups_are_drawn_beside_the_networks(client):
    thread, _points, _camps, _n = make_camps_thread()
    services.opinion_groups_compute(thread=thread)
    html = client.get(reverse("frontend:synthesis", args=[thread.pk])).content.decode()
    assert "Groupes d’opinion" in html and "Par réseau" in html
    assert html.count('class="og-mark og-mark--0"') == 8
    assert html.count('class="og-mark og-mark--1"') == 8
    assert "Groupe A" in html and "Groupe B" in html
    assert 'role="img"' in html


def test_the_page_uses_constant_queries(client, django_assert_num_queries, steering):
    thread, points, _camps, _n = make_camps_thread()
    services.opinion_groups_compute(thread=thread)
    services.synthesis_pin(actor=steering, comment=points[1], summary="Un")
    url = reverse("frontend:synthesis", args=[thread.pk])
    with django_assert_num_queries(7):  # the thread + the synthesis's six
        client.get(url)
    for _ in range(20):
        PointFactory(thread=thread)
    with django_assert_num_queries(7):
        client.get(url)


def test_an_unknown_thread_is_a_404(client):
    assert client.get("/debats/999999/synthese/").status_code == 404


def test_the_page_speaks_english_on_request(client, split_thread):
    url = reverse("frontend:synthesis", args=[split_thread.thread_id])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Agreement by network" in html and "No network" in html
