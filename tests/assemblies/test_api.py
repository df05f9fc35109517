import pytest

from assemblies import services
from assemblies.models import Ballot, Poll, Proxy
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.factories import DelegateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly():
    return AssemblyFactory()


def test_voting_over_rest_answers_201_with_a_receipt(api_as, assembly):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly)
    url = f"/api/polls/{poll.pk}/votes/"
    payload = {"organisation": alice.organisation_id, "choice": "yes", "request_id": "abc"}
    response = api_as(alice).post(url, payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["seq"] == 1 and body["request_id"] == "abc" and body["receipt"]
    again = api_as(alice).post(url, payload, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"organisation": "x", "choice": "yes"}, 400, "invalid"),
        ({"choice": "yes"}, 400, "invalid"),
        ({"organisation": None, "choice": "yes"}, 400, "invalid"),
        ("SELF", 400, "invalid_choice"),
    ],
)
def test_bad_votes_get_a_code_and_change_nothing(api_as, assembly, payload, status, code):
    (alice,) = seat(assembly, 1)
    poll = open_poll(assembly)
    if payload == "SELF":
        payload = {"organisation": alice.organisation_id, "choice": "peut-être"}
    response = api_as(alice).post(f"/api/polls/{poll.pk}/votes/", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["message"]
    assert not Ballot.objects.exists()


def test_voting_for_another_cae_is_403_and_a_closed_poll_409(api_as, assembly, secretariat):
    alice, bob = seat(assembly, 2)
    poll = open_poll(assembly)
    url = f"/api/polls/{poll.pk}/votes/"
    response = api_as(alice).post(
        url, {"organisation": bob.organisation_id, "choice": "yes"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_entitled")
    services.poll_close(actor=secretariat, poll=poll)
    response = api_as(alice).post(
        url, {"organisation": alice.organisation_id, "choice": "yes"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "poll_closed")
    assert api_as(None).post(url, {}, format="json").status_code == 401
    assert (
        api_as(alice)
        .post("/api/polls/9999/votes/", {"organisation": 1, "choice": "yes"}, format="json")
        .status_code
        == 404
    )


def test_the_secretariat_runs_a_poll_over_the_api(api_as, assembly, secretariat):
    delegates = seat(assembly, 2)
    api = api_as(secretariat)
    created = api.post(
        f"/api/assemblies/{assembly.pk}/polls/",
        {"title": "Quel scénario ?", "method": "single", "options": ["A", "B"], "secret": True},
        format="json",
    )
    assert created.status_code == 201, created.json()
    poll_id = created.json()["id"]
    assert api.post(f"/api/polls/{poll_id}/open/").json()["status"] == "open"
    option = created.json()["options"][1]["id"]
    receipt = cast(Poll.objects.get(pk=poll_id), delegates[0], option).receipt
    tally = api.get(f"/api/polls/{poll_id}/tally/").json()
    # secret: participation only while open, even for the secretariat
    assert tally["type"] == "tally" and tally["seq"] == 1 and tally["weight_cast"] == "1.00"
    assert tally["hidden"] is True and tally["totals"] is None
    assert api.post(f"/api/polls/{poll_id}/close/").json()["status"] == "closed"
    member_view = api_as(delegates[1]).get(f"/api/polls/{poll_id}/results/")
    assert (member_view.status_code, member_view.json()["code"]) == (403, "not_published")
    assert api.post(f"/api/polls/{poll_id}/publish/").json()["status"] == "published"
    results = api_as(delegates[1]).get(f"/api/polls/{poll_id}/results/").json()
    assert results["outcome"]["winners"] == [option]
    assert results["votes"] == []  # secret: totals only
    check = api_as(delegates[0]).post(
        f"/api/polls/{poll_id}/receipt-check/", {"receipt": receipt}, format="json"
    )
    assert check.json()["counted"] is True and check.json()["choice"] is None  # secret
    assert check.json()["ledger_head"] == results["ledger_head"]
    wrong = api_as(delegates[0]).post(
        f"/api/polls/{poll_id}/receipt-check/", {"receipt": "nope"}, format="json"
    )
    assert wrong.json()["counted"] is False


def test_named_results_say_who_voted_what(api_as, assembly, secretariat):
    alice, bob = seat(assembly, 2)
    poll = open_poll(assembly)
    cast(poll, alice, "yes")
    cast(poll, bob, "no")
    services.poll_close(actor=secretariat, poll=poll)
    services.poll_publish(actor=secretariat, poll=poll)
    votes = api_as(alice).get(f"/api/polls/{poll.pk}/results/").json()["votes"]
    assert {(v["organisation"], v["choice"]) for v in votes} == {
        (alice.organisation_id, "yes"),
        (bob.organisation_id, "no"),
    }


def test_poll_creation_rejects_bad_input(api_as, assembly, secretariat, delegate):
    api = api_as(secretariat)
    url = f"/api/assemblies/{assembly.pk}/polls/"
    bad = [
        ({"title": "x", "method": "motion"}, "invalid_threshold"),
        ({"title": "x", "method": "single", "options": ["seul"]}, "invalid_options"),
        (
            {"title": "x", "method": "approval", "options": ["a", "b"], "max_choices": 3},
            "invalid_max_choices",
        ),
        ({"title": "x", "method": "vote"}, "invalid"),
    ]
    for payload, code in bad:
        response = api.post(url, payload, format="json")
        assert (response.status_code, response.json()["code"]) == (400, code)
    forbidden = api_as(delegate).post(
        url, {"title": "x", "method": "motion", "threshold": "simple"}, format="json"
    )
    assert forbidden.status_code == 403
    assert not Poll.objects.exists()


def test_attendance_and_proxies_over_the_api(api_as, assembly, secretariat):
    delegate = DelegateFactory()
    giver = DelegateFactory()
    response = api_as(delegate).post(
        f"/api/assemblies/{assembly.pk}/attendance/",
        {"organisation": delegate.organisation_id},
        format="json",
    )
    assert response.status_code == 201
    state = api_as(delegate).get(f"/api/assemblies/{assembly.pk}/state/").json()
    assert state["type"] == "assembly.state" and state["attendance"]["present"] == 1
    proxy = api_as(giver).post(
        f"/api/assemblies/{assembly.pk}/proxies/",
        {"giver": giver.organisation_id, "holder": delegate.pk},
        format="json",
    )
    assert proxy.status_code == 201 and proxy.json()["status"] == "pending"
    denied = api_as(delegate).post(f"/api/proxies/{proxy.json()['id']}/validate/")
    assert denied.status_code == 403
    ok = api_as(secretariat).post(f"/api/proxies/{proxy.json()['id']}/validate/")
    assert ok.json()["status"] == "validated"
    assert Proxy.objects.get().status == "validated"
    out = api_as(delegate).post(
        f"/api/assemblies/{assembly.pk}/attendance/check-out/",
        {"organisation": delegate.organisation_id},
        format="json",
    )
    assert out.status_code == 204


def test_minutes_and_csv_exports(api_as, assembly, secretariat):
    delegates = seat(assembly, 2)
    poll = open_poll(assembly, teller=secretariat)
    cast(poll, delegates[0], "yes")
    services.poll_close(actor=secretariat, poll=poll)
    services.poll_publish(actor=secretariat, poll=poll)
    minutes = api_as(delegates[0]).get(f"/api/assemblies/{assembly.pk}/minutes.md")
    assert minutes["Content-Type"].startswith("text/markdown")
    text = minutes.content.decode()
    assert "# Procès-verbal" in text and "Vote motion" in text and "adoptée" in text
    csv = api_as(secretariat).get(f"/api/assemblies/{assembly.pk}/attendance.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert delegates[1].organisation.name in csv.content.decode()
    polls = api_as(secretariat).get(f"/api/assemblies/{assembly.pk}/polls.csv").content.decode()
    assert "pour,1.00" in polls


def test_assembly_list_pins_its_queries(api_as, delegate, django_assert_num_queries):
    for _ in range(5):
        AssemblyFactory()
    api = api_as(delegate)
    with django_assert_num_queries(2):
        response = api.get("/api/assemblies/")
    assert len(response.json()) == 5


def test_agenda_items_and_polls_link_to_an_object(api_as, assembly, secretariat, monkeypatch):
    from assemblies import selectors
    from tests.factories import NetworkFactory

    monkeypatch.setattr(selectors, "TARGET_APPS", ("alliance",))  # proposals have no model yet
    network = NetworkFactory()
    api = api_as(secretariat)
    item = api.post(
        f"/api/assemblies/{assembly.pk}/agenda/",
        {"title": "Scénarios", "target_type": "alliance.network", "target_id": network.pk},
        format="json",
    )
    assert item.status_code == 201
    assert item.json()["target"] == {"type": "alliance.network", "id": network.pk}
    assert item.json()["position"] == 1
    poll = api.post(
        f"/api/assemblies/{assembly.pk}/polls/",
        {
            "title": "?",
            "method": "motion",
            "threshold": "simple",
            "agenda_item": item.json()["id"],
            "target_type": "alliance.network",
            "target_id": network.pk,
        },
        format="json",
    )
    assert poll.status_code == 201 and poll.json()["target"]["id"] == network.pk
    listed = api.get(f"/api/assemblies/{assembly.pk}/agenda/").json()
    assert [i["title"] for i in listed] == ["Scénarios"]


@pytest.mark.parametrize(
    "target",
    [
        {"target_type": "alliance.user", "target_id": 1},
        {"target_type": "proposals.nothing", "target_id": 1},
        {"target_type": "proposals.proposal"},
    ],
)
def test_a_link_to_an_unknown_or_forbidden_object_is_refused(api_as, assembly, secretariat, target):
    response = api_as(secretariat).post(
        f"/api/assemblies/{assembly.pk}/agenda/", {"title": "x", **target}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_target", "invalid"}
    assert not assembly.agenda.exists()


def test_poll_list_pins_its_queries(api_as, assembly, delegate, django_assert_num_queries):
    seat(assembly, 2)
    for method in ("motion", "single", "judgment"):
        open_poll(assembly, method=method, options=[] if method == "motion" else ["A", "B"])
    api = api_as(delegate)
    with django_assert_num_queries(3):  # assembly, polls with counts, their options
        response = api.get(f"/api/assemblies/{assembly.pk}/polls/")
    assert [p["method"] for p in response.json()] == ["motion", "single", "judgment"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"ends_on": "2018-09-12"}, "invalid_dates"),
        (
            {
                "sessions": [
                    {
                        "title": "J1",
                        "starts_at": "2018-09-13T10:00:00+02:00",
                        "ends_at": "2018-09-13T09:00:00+02:00",
                    }
                ]
            },
            "invalid_dates",
        ),
        ({"weight_rule": "proportional_capped"}, "invalid_cap_share"),
        ({"quorum_share": "1.5"}, "invalid"),
        ({"weight_rule": "by_size"}, "invalid"),
    ],
)
def test_assembly_creation_rejects_bad_input(api_as, secretariat, changes, code):
    from assemblies.models import Assembly

    payload = {"title": "AG", "starts_on": "2018-09-13", "ends_on": "2018-09-14", **changes}
    response = api_as(secretariat).post("/api/assemblies/", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not Assembly.objects.exists()


def test_the_secretariat_creates_an_assembly_with_sessions(api_as, secretariat, delegate):
    from tests.factories import OrganisationFactory

    OrganisationFactory.create_batch(9)  # ten CAEs: a cap of 10 % is reachable
    payload = {
        "title": "États généraux 2019",
        "starts_on": "2019-09-12",
        "ends_on": "2019-09-13",
        "weight_rule": "proportional_capped",
        "cap_share": "0.1",
        "sessions": [{"title": "Jour 1", "starts_at": "2019-09-12T09:00:00+02:00"}],
    }
    assert api_as(delegate).post("/api/assemblies/", payload, format="json").status_code == 403
    response = api_as(secretariat).post("/api/assemblies/", payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "etats-generaux-2019" and body["sessions"][0]["title"] == "Jour 1"
    again = api_as(secretariat).post("/api/assemblies/", payload, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "slug_taken")


def test_ballot_exports_named_and_secret(api_as, assembly, secretariat):
    alice, bob = seat(assembly, 2)
    named = open_poll(assembly)
    secret = open_poll(assembly, secret=True)
    for poll in (named, secret):
        cast(poll, alice, "yes")
        cast(poll, bob, "no")
        services.poll_close(actor=secretariat, poll=poll)
    api = api_as(alice)
    assert api.get(f"/api/polls/{named.pk}/ballots.csv").status_code == 403
    for poll in (named, secret):
        services.poll_publish(actor=secretariat, poll=poll)
    named_csv = api.get(f"/api/polls/{named.pk}/ballots.csv").content.decode()
    assert f"{alice.organisation.name},pour,1.00," in named_csv
    secret_csv = api.get(f"/api/polls/{secret.pk}/ballots.csv")
    assert (secret_csv.status_code, secret_csv.json()["code"]) == (
        404,
        "secret_ballots_not_published",
    )


def test_a_cap_too_low_for_the_number_of_caes_is_refused(api_as, secretariat):
    from assemblies.models import Assembly
    from tests.factories import OrganisationFactory

    OrganisationFactory.create_batch(3)
    payload = {
        "title": "AG",
        "starts_on": "2019-06-01",
        "ends_on": "2019-06-01",
        "weight_rule": "proportional_capped",
        "cap_share": "0.2",
    }
    response = api_as(secretariat).post("/api/assemblies/", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_weight_rule")
    assert response.json()["details"] == {"reason": "cap_infeasible"}
    assert not Assembly.objects.exists()


# --- Secret polls stay secret (issue 15) ---------------------------------------------------


def test_a_member_watching_the_tally_of_a_secret_poll_sees_participation_only(
    api_as, assembly, secretariat
):
    alice, bob, carol = seat(assembly, 3, sizes=[3, 5, 8])
    assembly.weight_rule, assembly.cap_share = "proportional_capped", 1
    assembly.save(update_fields=["weight_rule", "cap_share"])
    poll = open_poll(assembly, secret=True)
    watcher = api_as(carol)
    before = watcher.get(f"/api/polls/{poll.pk}/tally/").json()
    cast(poll, alice, "yes")
    between = watcher.get(f"/api/polls/{poll.pk}/tally/").json()
    cast(poll, bob, "no")
    after = api_as(secretariat).get(f"/api/polls/{poll.pk}/tally/").json()
    state = api_as(carol).get(f"/api/assemblies/{assembly.pk}/state/").json()
    for tally in (before, between, after, state["polls"][0]["tally"]):
        assert tally["hidden"] is True and tally["totals"] is None
    assert [t["ballots"] for t in (before, between, after)] == [0, 1, 2]
    services.poll_close(actor=secretariat, poll=poll)
    final = watcher.get(f"/api/polls/{poll.pk}/tally/").json()
    assert final["hidden"] is False and final["totals"]["yes"] != final["totals"]["no"]


def test_a_secret_poll_cannot_show_live_totals_but_a_named_one_can_hide_them(
    api_as, assembly, secretariat
):
    (alice,) = seat(assembly, 1)
    api = api_as(secretariat)
    url = f"/api/assemblies/{assembly.pk}/polls/"
    motion = {"title": "Q", "method": "motion", "threshold": "simple"}
    refused = api.post(url, {**motion, "secret": True, "results_hidden": False}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "secret_results_hidden")
    secret = api.post(url, {**motion, "secret": True}, format="json").json()
    assert secret["results_hidden"] is True
    named = api.post(url, {**motion, "results_hidden": True}, format="json").json()
    assert named["results_hidden"] is True and named["secret"] is False
    poll = services.poll_open(actor=secretariat, poll=Poll.objects.get(pk=named["id"]))
    cast(poll, alice, "yes")
    live = api.get(f"/api/polls/{poll.pk}/tally/").json()
    assert live["hidden"] is True and live["totals"] is None and live["ballots"] == 1
    services.poll_close(actor=secretariat, poll=poll)
    assert api.get(f"/api/polls/{poll.pk}/tally/").json()["totals"]["yes"] == "1.00"


def test_a_secret_poll_under_headcount_weights_publishes_no_ballot_weight(
    api_as, assembly, secretariat
):
    alice, bob = seat(assembly, 2, sizes=[3, 5])
    assembly.weight_rule, assembly.cap_share = "proportional_capped", 1
    assembly.save(update_fields=["weight_rule", "cap_share"])
    poll = open_poll(assembly, secret=True)
    receipt = cast(poll, alice, "yes").receipt
    cast(poll, bob, "no")
    services.poll_close(actor=secretariat, poll=poll)
    services.poll_publish(actor=secretariat, poll=poll)
    api = api_as(bob)
    assert api.get(f"/api/polls/{poll.pk}/ballots.csv").status_code == 404
    check = (
        api_as(alice)
        .post(f"/api/polls/{poll.pk}/receipt-check/", {"receipt": receipt}, format="json")
        .json()
    )
    assert check["counted"] is True and check["choice"] is None and check["weight"] is None
    minutes_md = api.get(f"/api/assemblies/{assembly.pk}/minutes.md").content.decode()
    assert receipt not in minutes_md and Ballot.objects.get(choice="yes").receipt_hash not in (
        minutes_md
    )
