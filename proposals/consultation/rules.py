"""Who may do what in a consultation. Pages and the API ask these; none re-checks by hand."""

from __future__ import annotations

from alliance import rules
from proposals.models.consultation import Respondents


def can_answer_for(user, consultation, organisation) -> bool:
    """Answer online in the name of this CAE: its members, or only its delegates if the
    consultation says so."""
    if consultation.respondents == Respondents.DELEGATES:
        return rules.is_delegate_of(user, organisation)
    return rules.is_member_of(user, organisation)


def can_answer(user, consultation) -> bool:
    """Answer for one's own CAE."""
    return rules.is_member(user) and can_answer_for(user, consultation, user.organisation)


def can_enter_territorial_answer(user) -> bool:
    """Enter an answer on a CAE's behalf from a territorial meeting."""
    return rules.is_facilitator(user)


def can_create_consultation(user) -> bool:
    return rules.is_steering_committee(user)


def can_view_answers(user) -> bool:
    """Each CAE's individual answer (names, comments): the facilitators who follow the
    consultation. Everybody else sees aggregated results and their own CAE's answer."""
    return rules.is_facilitator(user)


def can_view_results(user, consultation, now=None) -> bool:
    """Aggregated results: everybody, unless they are hidden until the closing date."""
    return not consultation.results_hidden_at(now)
