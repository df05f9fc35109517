"""The demo's 2018 consultation: 68 answers of 75 CAEs, lobbying then promotion first."""

import pytest

from alliance import demo as alliance_demo
from proposals.consultation import demo
from proposals.consultation.selectors import consultation_get, consultation_results
from proposals.models.consultation import ConsultationAnswer, ConsultationAnswerRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    alliance_demo.load()
    return demo.load()


def test_the_2018_consultation_has_68_answers_ranking_lobbying_then_promotion(loaded):
    consultation = consultation_get(slug=demo.SLUG_2018)
    assert consultation.status == "closed"
    assert [a.title for a in consultation.axes.all()] == demo.AXES_2018
    results = consultation_results(consultation=consultation)
    assert (results.answered, results.eligible) == (68, 75)
    borda = [row.axis.title for row in results.axes]
    schulze = [axis.title for group in results.schulze_order for axis in group]
    assert borda[:2] == ["Représentation et lobbying", "Communication et promotion"]
    assert schulze[:2] == ["Représentation et lobbying", "Communication et promotion"]
    assert [len(group) for group in results.schulze_order[:2]] == [1, 1]


def test_answers_come_online_and_from_several_dated_meetings(loaded):
    answers = ConsultationAnswer.objects.filter(consultation__slug=demo.SLUG_2018)
    territorial = answers.filter(channel="territorial")
    assert 10 < territorial.count() < 60
    meetings = set(territorial.values_list("meeting_name", "meeting_date"))
    assert len(meetings) >= 3
    assert all(name and date for name, date in meetings)
    assert answers.filter(channel="online").exists()
    # Answers carry their 2018 dates, before the closing.
    closing = answers.first().consultation.closes_at
    assert all(a.updated_at < closing for a in answers)


def test_the_demo_accounts_cae_has_an_answer_with_history(loaded):
    answer = ConsultationAnswer.objects.get(
        consultation__slug=demo.SLUG_2018, organisation__people__username="membre"
    )
    assert answer.revisions.count() == 2


def test_an_open_consultation_waits_for_the_demo_accounts(loaded):
    consultation = consultation_get(slug=demo.SLUG_OPEN)
    assert consultation.status == "open"
    assert consultation.results_hidden_at()


def test_loading_twice_changes_nothing(loaded):
    counts = (ConsultationAnswer.objects.count(), ConsultationAnswerRevision.objects.count())
    again = demo.load()
    assert again["answers_created"] == 0
    assert (
        ConsultationAnswer.objects.count(),
        ConsultationAnswerRevision.objects.count(),
    ) == counts
