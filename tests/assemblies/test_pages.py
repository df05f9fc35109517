import html as htmllib

import pytest
from django.urls import reverse

from assemblies import selectors, services
from assemblies.models import Attendance, Ballot, Poll, Proxy, VoteRecord
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.factories import DelegateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly():
    return AssemblyFactory(title="États généraux", slug="etats-generaux")


def test_the_assembly_list_is_in_the_navigation_and_pins_its_queries(
    client, delegate, django_assert_num_queries
):
    for _ in range(4):
        AssemblyFactory()
    client.force_login(delegate)
    url = reverse("frontend:assemblies")
    assert url == "/assemblees/"
    client.get(url)  # warm the session
    with django_assert_num_queries(4):  # session, user, organisation, list
        response = client.get(url)
    html = response.content.decode()
    assert html.count('class="card"') == 4
    assert f'href="{url}" aria-current="page"' in html


def test_anonymous_visitors_are_sent_to_the_login_page(client, assembly):
    response = client.get(reverse("frontend:assembly", args=[assembly.slug]))
    assert response.status_code == 302 and "/connexion/" in response.url


@pytest.mark.parametrize("polls", [1, 4])
def test_the_assembly_page_marks_its_live_figures(
    client, assembly, secretariat, django_assert_num_queries, polls
):
    delegates = seat(assembly, 3, teller=secretariat)
    for _ in range(polls):
        open_poll(assembly, teller=secretariat)
    client.force_login(delegates[0])
    url = reverse("frontend:assembly", args=[assembly.slug])
    client.get(url)
    with django_assert_num_queries(14):  # whatever the number of polls
        response = client.get(url)
    html = response.content.decode()
    assert f'data-live-attendance="{assembly.pk}"' in html
    assert 'data-live="quorum" data-quorum-reached="true"' in html
    assert '<dd data-live="present">3</dd>' in html
    assert html.count('class="card poll-item"') == polls


def test_a_delegate_gives_a_proxy_then_comes_and_checks_in_from_the_page(
    client, assembly, secretariat
):
    delegate, holder = DelegateFactory(), DelegateFactory()
    client.force_login(delegate)
    url = reverse("frontend:assembly-delegate-action", args=[assembly.slug])
    client.post(url, {"action": "proxy_grant", "holder": holder.pk})
    proxy = Proxy.objects.get()
    assert proxy.holder == holder
    services.proxy_validate(actor=secretariat, proxy=proxy)
    services.attendance_check_in(actor=holder, assembly=assembly, organisation=holder.organisation)
    assert selectors.presence(assembly).represented == {delegate.organisation_id: holder.pk}
    response = client.post(url, {"action": "check_in"}, follow=True)
    assert "Votre CAE est enregistrée comme présente." in response.content.decode()
    state = selectors.presence(assembly)  # present now: its proxy no longer represents it
    assert delegate.organisation_id in state.present and not state.represented
    response = client.post(url, {"action": "dance"}, follow=True)
    assert "Action inconnue." in response.content.decode()


def test_a_delegate_votes_with_a_plain_form_and_sees_the_receipt(client, assembly):
    alice, bob = seat(assembly, 2)
    poll = open_poll(assembly)
    client.force_login(alice)
    url = reverse("frontend:poll", args=[poll.pk])
    page = client.get(url).content.decode()
    assert 'name="choice" value="yes"' in page and f'data-live-poll="{poll.pk}"' in page
    response = client.post(
        url, {"organisation": alice.organisation_id, "choice": "yes"}, follow=True
    )
    html = response.content.decode()
    assert "Votre reçu" in html and "Cette CAE a voté." in html
    response = client.post(
        url, {"organisation": alice.organisation_id, "choice": "no"}, follow=True
    )
    assert "déjà voté" in response.content.decode()
    response = client.post(url, {"organisation": bob.organisation_id, "choice": "no"}, follow=True)
    assert "Vous ne pouvez pas voter pour cette CAE" in response.content.decode()
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]


def test_majority_judgment_and_ranking_forms_without_javascript(client, assembly):
    (alice,) = seat(assembly, 1)
    judgment = open_poll(assembly, method="judgment", options=["A", "B"])
    ranking = open_poll(assembly, method="ranking", options=["A", "B", "C"])
    client.force_login(alice)
    a, b = judgment.options.all()
    response = client.post(
        reverse("frontend:poll", args=[judgment.pk]),
        {"organisation": alice.organisation_id, f"grade-{a.pk}": "favorable"},
        follow=True,
    )
    assert "Il faut attribuer une mention à chaque option." in response.content.decode()
    client.post(
        reverse("frontend:poll", args=[judgment.pk]),
        {
            "organisation": alice.organisation_id,
            f"grade-{a.pk}": "favorable",
            f"grade-{b.pk}": "defavorable",
        },
    )
    x, y, z = ranking.options.all()
    client.post(
        reverse("frontend:poll", args=[ranking.pk]),
        {
            "organisation": alice.organisation_id,
            f"rank-{x.pk}": "2",
            f"rank-{y.pk}": "1",
            f"rank-{z.pk}": "2",
        },
    )
    choices = {b.poll_id: b.choice for b in Ballot.objects.all()}
    assert choices[judgment.pk] == {str(a.pk): "favorable", str(b.pk): "defavorable"}
    assert choices[ranking.pk] == [[y.pk], [x.pk, z.pk]]


def test_the_console_is_for_the_secretariat(client, assembly, delegate):
    client.force_login(delegate)
    assert client.get(reverse("frontend:assembly-console", args=[assembly.slug])).status_code == 403
    response = client.post(
        reverse("frontend:assembly-console-action", args=[assembly.slug]), {"action": "poll_open"}
    )
    assert response.status_code == 403


def test_the_secretariat_runs_an_assembly_from_the_console(
    client, secretariat, django_assert_num_queries
):
    assembly = AssemblyFactory(status="planned", slug="ag")
    delegates = [DelegateFactory() for _ in range(3)]
    absent = DelegateFactory()
    proxy = services.proxy_grant(
        actor=absent, assembly=assembly, giver=absent.organisation, holder=delegates[0]
    )
    client.force_login(secretariat)
    action = reverse("frontend:assembly-console-action", args=[assembly.slug])
    client.post(action, {"action": "assembly_open"})
    for d in delegates:
        client.post(
            action,
            {
                "action": "check_in",
                "organisation": d.organisation_id,
                "delegate": d.pk,
                "mode": "room",
            },
        )
    client.post(action, {"action": "proxy_validate", "proxy": proxy.pk})
    client.post(
        action,
        {
            "action": "poll_create",
            "title": "Adopter ?",
            "method": "motion",
            "threshold": "two_thirds",
        },
    )
    poll = Poll.objects.get()
    client.post(action, {"action": "poll_open", "poll": poll.pk})
    page = client.get(reverse("frontend:assembly-console", args=[assembly.slug]))
    assert "Bulletin papier" in page.content.decode()
    response = client.post(
        action,
        {
            "action": "paper_ballot",
            "poll": poll.pk,
            "organisation": absent.organisation_id,
            "choice": "yes",
        },
        follow=True,
    )
    assert "C'est fait." in htmllib.unescape(response.content.decode())
    assert VoteRecord.objects.get().paper
    for step in ("poll_close", "poll_publish"):
        client.post(action, {"action": step, "poll": poll.pk})
    poll.refresh_from_db()
    assert poll.status == "published"
    assert Attendance.objects.filter(assembly=assembly).count() == 3
    bad = client.post(action, {"action": "poll_create", "title": "", "method": "x"}, follow=True)
    assert "Le formulaire du vote est incomplet." in bad.content.decode()
    client.get(reverse("frontend:assembly-console", args=[assembly.slug]))
    with django_assert_num_queries(14):
        client.get(reverse("frontend:assembly-console", args=[assembly.slug]))


def test_results_of_a_secret_poll_list_receipts_and_check_one(client, assembly, secretariat):
    alice, bob = seat(assembly, 2)
    poll = open_poll(assembly, secret=True)
    receipt = cast(poll, alice, "yes").receipt
    cast(poll, bob, "no")
    client.force_login(alice)
    url = reverse("frontend:poll-results", args=[poll.pk])
    services.poll_close(actor=secretariat, poll=poll)
    assert client.get(url).status_code == 302  # not published yet
    services.poll_publish(actor=secretariat, poll=poll)
    # a receipt in the URL is not looked up (it would sit in access logs)
    assert "Votre bulletin est compté" not in client.get(url, {"recu": receipt}).content.decode()
    html = client.post(url, {"recu": receipt}).content.decode()
    assert "Votre bulletin est compté et scellé dans le registre" in html
    assert "tel que vous l'avez exprimé" not in html  # secret: the choice is not shown
    assert "Qui a voté quoi" not in html
    assert html.count("<code>") == 0  # secret: no published list of ballots
    html = client.post(url, {"recu": "faux"}).content.decode()
    assert "Aucun bulletin de ce vote ne correspond à ce reçu." in html


def test_results_of_a_named_ranking_show_who_voted_and_the_pairwise_matrix(
    client, assembly, secretariat
):
    alice, bob = seat(assembly, 2)
    poll = open_poll(assembly, method="ranking", options=["A", "B"])
    a, b = poll.options.all()
    cast(poll, alice, [a.pk, b.pk])
    cast(poll, bob, [a.pk])
    services.poll_close(actor=secretariat, poll=poll)
    services.poll_publish(actor=secretariat, poll=poll)
    client.force_login(bob)
    html = client.get(reverse("frontend:poll-results", args=[poll.pk])).content.decode()
    assert "Qui a voté quoi" in html and alice.organisation.name in html
    assert "Matrice des duels" in html and "En tête : A" in html


def test_minutes_page_and_markdown_download(client, assembly, secretariat):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly)
    cast(poll, alice, "yes")
    services.poll_close(actor=secretariat, poll=poll)
    client.force_login(alice)
    url = reverse("frontend:assembly-minutes", args=[assembly.slug])
    assert "Vote motion" not in client.get(url).content.decode()  # not published yet
    services.poll_publish(actor=secretariat, poll=poll)
    html = client.get(url).content.decode()
    assert "<h1>Procès-verbal : États généraux</h1>" in html and "adoptée" in html
    download = client.get(url, {"format": "md"})
    assert download["Content-Disposition"] == 'attachment; filename="pv-etats-generaux.md"'


def test_the_secretariat_creates_an_assembly_with_colleges_in_the_browser(client, secretariat):
    from tests.factories import NetworkFactory, OrganisationFactory

    network = NetworkFactory()
    members = OrganisationFactory.create_batch(2, networks=[network])
    client.force_login(secretariat)
    assert "Nouvelle assemblée" in client.get(reverse("frontend:assemblies")).content.decode()
    url = reverse("frontend:assembly-create")
    bad = client.post(
        url,
        {
            "title": "AG",
            "starts_on": "2019-06-02",
            "ends_on": "2019-06-01",
            "weight_rule": "colleges",
            "quorum_share": "0.5",
            "max_proxies_per_delegate": 2,
        },
    )
    assert "La fin précède le début." in bad.content.decode()
    response = client.post(
        url,
        {
            "title": "AG 2019",
            "starts_on": "2019-06-01",
            "ends_on": "2019-06-01",
            "weight_rule": "colleges",
            "quorum_share": "0.5",
            "max_proxies_per_delegate": 2,
        },
    )
    assert response.status_code == 302 and response.url == "/assemblees/ag-2019/secretariat/"
    action = reverse("frontend:assembly-console-action", args=["ag-2019"])
    client.post(action, {"action": "agenda_add", "title": "Rapport moral"})
    client.post(
        action, {"action": "college_create", "name": "Réseau", "share": "2", "network": network.pk}
    )
    page = client.get(response.url).content.decode()
    assert "Rapport moral" in page and "Réseau : part 2" in page
    from assemblies.models import Assembly, CollegeMembership

    assembly = Assembly.objects.get(slug="ag-2019")
    assert set(
        CollegeMembership.objects.filter(assembly=assembly).values_list("organisation", flat=True)
    ) == {m.pk for m in members}


def test_only_the_secretariat_creates_assemblies(client, delegate):
    client.force_login(delegate)
    assert client.get(reverse("frontend:assembly-create")).status_code == 403


@pytest.mark.parametrize("value", ["abc", "", "-1", "9" * 40])
def test_malformed_ids_in_forms_change_nothing(client, assembly, secretariat, value):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly)
    client.force_login(alice)
    response = client.post(
        reverse("frontend:poll", args=[poll.pk]),
        {"organisation": value, "choice": "yes"},
        follow=True,
    )
    assert "Identifiant invalide." in response.content.decode()
    client.force_login(secretariat)
    action = reverse("frontend:assembly-console-action", args=[assembly.slug])
    for name in ("proxy_validate", "poll_close", "check_out"):
        payload = {"action": name, "proxy": value, "poll": value, "organisation": value}
        assert client.post(action, payload).status_code == 404
    assert not Ballot.objects.exists()
