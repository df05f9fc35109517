"""Answering a consultation: who may, when, what a valid ranking is, and the history."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from alliance.errors import Conflict, InvalidInput, NotAllowed
from proposals.consultation.services import (
    answer_submit,
    consultation_create,
    ranking_from_ranks,
)
from proposals.models.consultation import (
    ConsultationAnswer,
    ConsultationAnswerRevision,
    Respondents,
)
from tests.factories import DelegateFactory, OrganisationFactory, UserFactory
from tests.proposals.consultation_factories import (
    ConsultationFactory,
    axis_ids,
    closed,
    upcoming,
)

pytestmark = pytest.mark.django_db

MEETING = {
    "meeting_name": "Rencontre territoriale de Lyon",
    "meeting_date": datetime.date(2018, 4, 19),
}


@pytest.fixture
def consultation():
    return ConsultationFactory(questions=["Qu'attendez-vous de l'alliance ?"])


def submit(consultation, actor, ranking=None, **kwargs):
    kwargs.setdefault("organisation", actor.organisation)
    return answer_submit(
        actor=actor,
        consultation=consultation,
        ranking=axis_ids(consultation) if ranking is None else ranking,
        **kwargs,
    )


def assert_refused(error_class, code, call):
    before = (ConsultationAnswer.objects.count(), ConsultationAnswerRevision.objects.count())
    with pytest.raises(error_class) as refused:
        call()
    assert refused.value.code == code
    assert str(refused.value.message)  # a translated sentence, not only a code
    assert (
        ConsultationAnswer.objects.count(),
        ConsultationAnswerRevision.objects.count(),
    ) == before


def test_a_member_answers_for_their_cae_and_the_first_version_is_kept(consultation, member):
    question = consultation.questions.get()
    ranking = list(reversed(axis_ids(consultation)))
    answer = submit(
        consultation,
        member,
        ranking,
        free_answers={str(question.pk): "  Une voix commune.  "},
        comment="Urgent.",
    )
    assert answer.organisation == member.organisation
    assert answer.ranking == ranking
    assert answer.free_answers == {str(question.pk): "Une voix commune."}
    assert answer.channel == "online" and answer.entered_by == member
    assert [r.ranking for r in answer.revisions.all()] == [ranking]


def test_changing_the_answer_updates_the_one_row_and_keeps_history(consultation, member):
    first = submit(consultation, member)
    colleague = UserFactory(organisation=member.organisation)
    changed = list(reversed(axis_ids(consultation)))
    second = submit(consultation, colleague, changed)
    assert second.pk == first.pk
    assert ConsultationAnswer.objects.filter(consultation=consultation).count() == 1
    history = list(second.revisions.all())  # newest first
    assert [r.ranking for r in history] == [changed, axis_ids(consultation)]
    assert [r.entered_by for r in history] == [colleague, member]


@pytest.mark.parametrize(
    ("make_ranking", "code"),
    [
        (lambda ids: ids[:-1], "ranking_incomplete"),
        (lambda ids: [*ids[:-1], ids[0]], "ranking_duplicate"),
        (lambda ids: [*ids, ids[0]], "ranking_duplicate"),
        (lambda ids: [*ids[:-1], 999999], "unknown_axis"),
        (lambda ids: [*ids[:-1], "x"], "unknown_axis"),
        (lambda ids: [], "ranking_incomplete"),
        (lambda ids: "1,2,3,4", "ranking_incomplete"),
    ],
)
def test_a_bad_ranking_is_refused_and_changes_nothing(consultation, member, make_ranking, code):
    ranking = make_ranking(axis_ids(consultation))
    assert_refused(InvalidInput, code, lambda: submit(consultation, member, ranking))


def test_an_axis_of_another_consultation_is_unknown(consultation, member):
    other = axis_ids(ConsultationFactory())
    ranking = [*axis_ids(consultation)[:-1], other[0]]
    assert_refused(InvalidInput, "unknown_axis", lambda: submit(consultation, member, ranking))


def test_a_bad_answer_leaves_the_previous_answer_untouched(consultation, member):
    answer = submit(consultation, member)
    first_only = axis_ids(consultation)[:1]
    assert_refused(
        InvalidInput, "ranking_incomplete", lambda: submit(consultation, member, first_only)
    )
    answer.refresh_from_db()
    assert answer.ranking == axis_ids(consultation)


def test_nobody_answers_after_closing(member):
    consultation = closed()
    assert_refused(Conflict, "consultation_closed", lambda: submit(consultation, member))


def test_nobody_answers_before_opening(member):
    consultation = upcoming()
    assert_refused(Conflict, "consultation_not_open", lambda: submit(consultation, member))


def test_closing_is_checked_at_the_moment_of_answering(consultation, member):
    later = consultation.closes_at + datetime.timedelta(seconds=1)
    assert_refused(Conflict, "consultation_closed", lambda: submit(consultation, member, now=later))


def test_a_person_cannot_answer_for_another_cae(consultation, member):
    other = OrganisationFactory()
    assert_refused(
        NotAllowed, "not_allowed", lambda: submit(consultation, member, organisation=other)
    )


def test_a_delegates_only_consultation_refuses_other_members(member, delegate):
    consultation = ConsultationFactory(respondents=Respondents.DELEGATES)
    assert_refused(NotAllowed, "not_allowed", lambda: submit(consultation, member))
    assert submit(consultation, delegate).entered_by == delegate


def test_people_without_a_cae_cannot_answer_online(consultation, secretariat, organisation):
    assert_refused(
        NotAllowed,
        "not_allowed",
        lambda: submit(consultation, secretariat, organisation=organisation),
    )


def test_an_unknown_question_is_refused(consultation, member):
    assert_refused(
        InvalidInput,
        "unknown_question",
        lambda: submit(consultation, member, free_answers={"424242": "?"}),
    )


def test_an_overlong_comment_is_refused(consultation, member):
    assert_refused(
        InvalidInput, "text_too_long", lambda: submit(consultation, member, comment="x" * 5001)
    )


def test_an_inactive_cae_cannot_answer(consultation, secretariat):
    sleeping = OrganisationFactory(active=False)
    assert_refused(
        InvalidInput,
        "organisation_inactive",
        lambda: submit(
            consultation, secretariat, organisation=sleeping, channel="territorial", **MEETING
        ),
    )


def test_a_facilitator_enters_a_territorial_meeting_answer(consultation, secretariat, organisation):
    answer = submit(
        consultation, secretariat, organisation=organisation, channel="territorial", **MEETING
    )
    assert answer.channel == "territorial"
    assert (answer.meeting_name, answer.meeting_date) == (
        MEETING["meeting_name"],
        MEETING["meeting_date"],
    )
    assert answer.entered_by == secretariat


def test_the_steering_committee_facilitates_too(consultation, steering, organisation):
    submit(consultation, steering, organisation=organisation, channel="territorial", **MEETING)
    assert ConsultationAnswer.objects.filter(organisation=organisation).exists()


def test_a_member_cannot_enter_territorial_answers(consultation, member):
    assert_refused(
        NotAllowed,
        "not_allowed",
        lambda: submit(consultation, member, channel="territorial", **MEETING),
    )


@pytest.mark.parametrize(
    ("meeting", "code"),
    [
        ({"meeting_name": "", "meeting_date": datetime.date(2018, 4, 19)}, "meeting_required"),
        ({"meeting_name": "Lyon", "meeting_date": None}, "meeting_required"),
        (
            {
                "meeting_name": "Lyon",
                "meeting_date": timezone.localdate() + datetime.timedelta(days=2),
            },
            "meeting_in_future",
        ),
    ],
)
def test_a_territorial_answer_needs_its_meeting(
    consultation, secretariat, organisation, meeting, code
):
    assert_refused(
        InvalidInput,
        code,
        lambda: submit(
            consultation, secretariat, organisation=organisation, channel="territorial", **meeting
        ),
    )


def test_an_unknown_channel_is_refused(consultation, member):
    assert_refused(
        InvalidInput, "unknown_channel", lambda: submit(consultation, member, channel="fax")
    )


def test_a_territorial_entry_never_overwrites_the_cae_own_online_answer(
    consultation, member, secretariat
):
    submit(consultation, member)
    assert_refused(
        Conflict,
        "answered_online",
        lambda: submit(
            consultation,
            secretariat,
            list(reversed(axis_ids(consultation))),
            organisation=member.organisation,
            channel="territorial",
            **MEETING,
        ),
    )


def test_the_cae_may_replace_a_territorial_answer_online(consultation, member, secretariat):
    submit(
        consultation,
        secretariat,
        organisation=member.organisation,
        channel="territorial",
        **MEETING,
    )
    answer = submit(consultation, member)
    assert (answer.channel, answer.meeting_name, answer.meeting_date) == ("online", "", None)
    assert [r.channel for r in answer.revisions.all()] == ["online", "territorial"]


def test_ranking_from_form_ranks():
    assert ranking_from_ranks(axis_ids=[10, 20, 30], ranks={10: 2, 20: 3, 30: 1}) == [30, 10, 20]
    with pytest.raises(InvalidInput) as missing:
        ranking_from_ranks(axis_ids=[10, 20], ranks={10: 1, 20: None})
    assert missing.value.code == "ranking_incomplete"
    with pytest.raises(InvalidInput) as twice:
        ranking_from_ranks(axis_ids=[10, 20], ranks={10: 1, 20: 1})
    assert twice.value.code == "ranking_duplicate"


# --- Creating consultations -----------------------------------------------------------------


def create(actor, **overrides):
    now = timezone.now()
    fields = {
        "title": "Priorités",
        "slug": "priorites",
        "opens_at": now,
        "closes_at": now + datetime.timedelta(days=30),
        "axes": ["Lobbying", "Promotion"],
        **overrides,
    }
    return consultation_create(actor=actor, **fields)


def test_the_steering_committee_creates_a_consultation_with_ordered_axes(steering):
    consultation = create(
        steering, axes=["Lobbying", "Promotion", "Juridique"], questions=["Q ?", ""]
    )
    assert [a.title for a in consultation.axes.all()] == ["Lobbying", "Promotion", "Juridique"]
    assert [q.text for q in consultation.questions.all()] == ["Q ?"]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"closes_at": timezone.now() - datetime.timedelta(days=1)}, "invalid_dates"),
        ({"axes": ["Seul"]}, "too_few_axes"),
        ({"axes": ["Lobbying", "lobbying"]}, "duplicate_axis"),
        ({"weight_cap_share": Decimal("0")}, "invalid_share"),
    ],
)
def test_a_bad_consultation_is_refused(steering, overrides, code):
    with pytest.raises(InvalidInput) as refused:
        create(steering, **overrides)
    assert refused.value.code == code


def test_a_taken_slug_is_a_conflict(steering):
    create(steering)
    with pytest.raises(Conflict) as refused:
        create(steering)
    assert refused.value.code == "slug_taken"


def test_members_cannot_create_consultations(member):
    with pytest.raises(NotAllowed):
        create(member)


# --- Concurrency ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_answering_at_once_give_one_answer():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    consultation = ConsultationFactory()
    organisation = OrganisationFactory()
    people = [DelegateFactory(organisation=organisation) for _ in range(6)]
    ids = axis_ids(consultation)
    barrier = threading.Barrier(len(people))
    errors = []

    def answer_as(person, ranking):
        try:
            barrier.wait()
            answer_submit(
                actor=person, consultation=consultation, organisation=organisation, ranking=ranking
            )
        except Exception as exc:  # collected: a thread must not hide a failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer_as, args=(p, ids if i % 2 else list(reversed(ids))))
        for i, p in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    answers = ConsultationAnswer.objects.filter(consultation=consultation)
    assert answers.count() == 1
    assert answers.get().revisions.count() == len(people)
