"""The thin layer between polls and the pure counting library (`alliance.counting`).

It shapes stored choices for the library, maps the library's error codes to `invalid_choice`,
and turns its exact results into JSON-ready dicts (weights as decimal strings). No counting
rule lives here.

Stored choices, per method (option ids are the `PollOption` primary keys):
- motion: "yes" | "no" | "abstain";
- single: an option id, or null for a blank ballot;
- approval: a list of at most `max_choices` distinct option ids (empty = blank);
- judgment: {"<option id>": "<grade key>"} with a grade for every option;
- ranking: a list, best first, of option ids or lists of tied option ids; unranked options
  come last, tied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from alliance import counting
from alliance.errors import InvalidInput

GRADES = counting.DEFAULT_GRADES
GRADE_LABELS = {
    "tres_favorable": _("très favorable"),
    "favorable": _("favorable"),
    "plutot_favorable": _("plutôt favorable"),
    "plutot_defavorable": _("plutôt défavorable"),
    "defavorable": _("défavorable"),
    "tres_defavorable": _("très défavorable"),
}
MOTION_LABELS = {"yes": _("pour"), "no": _("contre"), "abstain": _("abstention")}

Ballots = Iterable[tuple[Fraction, object]]


def decimal(value) -> str:
    return str(counting.to_decimal(Fraction(value)))


# --- Weights --------------------------------------------------------------------------------


def weights(
    rule: str,
    *,
    sizes: dict[int, int],
    cap_share=None,
    college_of: dict[int, int] | None = None,
    college_shares: dict[int, object] | None = None,
) -> dict[int, Fraction]:
    """Weight of each organisation under the assembly's rule."""
    try:
        if rule == "proportional_capped":
            return counting.weights_proportional_capped(sizes, cap_share)
        if rule == "colleges":
            return counting.weights_colleges(college_of or {}, college_shares or {})
        return counting.weights_one_per_organisation(sizes)
    except counting.CountingError as error:
        raise InvalidInput(
            _("Les poids ne peuvent pas être calculés avec cette règle (plafond trop bas ?)."),
            code="invalid_weight_rule",
            details={"reason": error.code},
        ) from None


# --- Choices --------------------------------------------------------------------------------


def _invalid(reason: str, message=None):
    return InvalidInput(
        message or _("Ce choix n'est pas valide pour ce vote."),
        code="invalid_choice",
        details={"reason": reason},
    )


def _option_id(value, option_ids: Sequence[int]) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _invalid("unknown_option")
    try:
        option = int(value)
    except ValueError:
        raise _invalid("unknown_option") from None
    if option not in option_ids:
        raise _invalid("unknown_option", _("Cette option ne fait pas partie du vote."))
    return option


def validate_choice(method: str, option_ids: Sequence[int], choice, *, max_choices=None):
    """The choice in its stored form, or `InvalidInput(code="invalid_choice")`."""
    try:
        if method == "motion":
            if not isinstance(choice, str):
                raise _invalid("invalid_choice")
            return counting.validate_motion_choice(choice)
        if method == "single":
            return None if choice is None else _option_id(choice, option_ids)
        if method == "approval":
            if not isinstance(choice, list):
                raise _invalid("not_a_list")
            ids = [_option_id(value, option_ids) for value in choice]
            counting.validate_approval(option_ids, ids, max_choices)
            return ids
        if method == "judgment":
            if not isinstance(choice, dict):
                raise _invalid("not_a_mapping")
            grades = {_option_id(key, option_ids): grade for key, grade in choice.items()}
            if not all(isinstance(grade, str) for grade in grades.values()):
                raise _invalid("unknown_grade")
            counting.validate_judgment(option_ids, grades, counting.DEFAULT_GRADE_KEYS)
            return {str(option): grade for option, grade in grades.items()}
        if method == "ranking":
            if not isinstance(choice, list):
                raise _invalid("not_a_list")
            ranking = [
                [_option_id(v, option_ids) for v in position]
                if isinstance(position, list)
                else _option_id(position, option_ids)
                for position in choice
            ]
            counting.validate_ranking(option_ids, ranking)
            return ranking
    except counting.CountingError as error:
        messages = {
            "too_many_choices": _("Trop d'options choisies (au plus %(max)s).")
            % {"max": max_choices},
            "missing_grade": _("Il faut attribuer une mention à chaque option."),
            "unknown_grade": _("Cette mention n'existe pas."),
            "duplicate_choice": _("Une option ne peut être choisie qu'une fois."),
        }
        raise _invalid(error.code, messages.get(error.code)) from None
    raise _invalid("unknown_method")


def _for_counting(method: str, choice):
    if method == "judgment":
        return {int(option): grade for option, grade in choice.items()}
    if method == "ranking":
        return [tuple(p) if isinstance(p, list) else p for p in choice]
    return choice


# --- Tallies and results --------------------------------------------------------------------


def _count(
    method,
    option_ids,
    ballots,
    *,
    max_choices=None,
    threshold="",
    abstentions=False,
    weight_present=None,
):
    ballots = [(weight, _for_counting(method, choice)) for weight, choice in ballots]
    if method == "motion":
        return counting.tally_motion(
            ballots,
            rule=threshold,
            abstentions_count=abstentions,
            weight_present=weight_present if threshold == "absolute" else None,
        )
    if method == "single":
        return counting.tally_single_choice(option_ids, ballots)
    if method == "approval":
        return counting.tally_approval(option_ids, ballots, max_choices=max_choices)
    if method == "judgment":
        return counting.tally_majority_judgment(option_ids, ballots)
    return counting.tally_borda(option_ids, ballots), counting.tally_schulze(option_ids, ballots)


def totals(method: str, option_ids: Sequence[int], ballots: Ballots, **rules) -> dict:
    """The live figures: weight per answer (motion, choices), grade distribution per option
    (judgment) or Borda score per option (ranking). Keys are strings (JSON)."""
    ballots = list(ballots)
    if method == "motion":
        # The threshold does not change the totals: count with the simplest rule.
        result = counting.tally_motion(ballots, rule="simple", abstentions_count=False)
        return {
            "yes": decimal(result.yes),
            "no": decimal(result.no),
            "abstain": decimal(result.abstain),
        }
    if method in ("single", "approval"):
        result = _count(method, option_ids, ballots, **rules)
        figures = {str(o): decimal(w) for o, w in result.totals.items()}
        figures["blank"] = decimal(result.blank)
        return figures
    if method == "judgment":
        result = _count(method, option_ids, ballots)
        distributions = {str(e.option): e.distribution for e in result.ranking}
        return {
            str(o): {g: decimal(w) for g, w in distributions[str(o)].items()}
            if str(o) in distributions
            else dict.fromkeys(counting.DEFAULT_GRADE_KEYS, "0.00")
            for o in option_ids
        }
    borda = counting.tally_borda(option_ids, [(w, _for_counting(method, c)) for w, c in ballots])
    return {str(o): decimal(s) for o, s in borda.scores.items()}


def _order(order) -> list[list[int]]:
    return [list(group) for group in order]


def result(
    method: str,
    option_ids: Sequence[int],
    ballots: Ballots,
    *,
    max_choices=None,
    threshold: str = "",
    abstentions_count: bool = False,
    weight_present=None,
) -> dict:
    """The outcome of a closed poll, JSON-ready: `winners` (option ids; "yes" when a motion is
    adopted), `order` (tie groups, best first) and the method's own figures."""
    ballots = list(ballots)
    outcome = _count(
        method,
        option_ids,
        ballots,
        max_choices=max_choices,
        threshold=threshold,
        abstentions=abstentions_count,
        weight_present=weight_present,
    )
    if method == "motion":
        return {
            "adopted": outcome.adopted,
            "winners": ["yes"] if outcome.adopted else [],
            "base": decimal(outcome.base),
            "threshold": decimal(outcome.threshold),
            "strict": outcome.strict,
        }
    if method in ("single", "approval"):
        return {"winners": list(outcome.winners), "tie": outcome.is_tie}
    if method == "judgment":
        return {
            "winners": list(outcome.winners),
            "order": _order(outcome.order),
            "ranking": [
                {
                    "option": e.option,
                    "rank": e.rank,
                    "median": e.median,
                    "sign": e.sign,
                    "p": decimal(e.p),
                    "q": decimal(e.q),
                }
                for e in outcome.ranking
            ],
        }
    borda, schulze = outcome
    return {
        "winners": list(schulze.winners),
        "order": _order(schulze.order),
        "borda_order": _order(borda.order),
        "condorcet_winner": schulze.condorcet_winner,
        "pairwise": {
            str(a): {str(b): decimal(w) for b, w in row.items()}
            for a, row in schulze.pairwise.items()
        },
    }
