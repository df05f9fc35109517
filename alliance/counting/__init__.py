"""Pure counting methods (no Django, no database), exact with `fractions.Fraction`.

Used by the national consultation (weighted Borda and Schulze ranking of axes) and by assembly
polls (weights, motions, single choice, approval, majority judgment, ranking). Every invalid
input raises `CountingError(code, ...)`. See docs/COUNTING.md for the conventions.
"""

from .choices import (
    ChoiceResult,
    tally_approval,
    tally_single_choice,
    validate_approval,
    validate_single_choice,
)
from .judgment import (
    DEFAULT_GRADE_KEYS,
    DEFAULT_GRADES,
    Grade,
    JudgmentEntry,
    JudgmentResult,
    median_grade,
    tally_majority_judgment,
    validate_judgment,
)
from .motions import (
    MOTION_CHOICES,
    MOTION_RULES,
    MotionResult,
    tally_motion,
    validate_motion_choice,
)
from .numbers import CountingError, as_fraction, exact_sum, to_decimal
from .preflib import PreflibElection, parse_preflib
from .ranking import (
    BordaResult,
    SchulzeResult,
    pairwise_matrix,
    tally_borda,
    tally_schulze,
    validate_ranking,
)
from .weights import weights_colleges, weights_one_per_organisation, weights_proportional_capped

__all__ = [
    "DEFAULT_GRADES",
    "DEFAULT_GRADE_KEYS",
    "MOTION_CHOICES",
    "MOTION_RULES",
    "BordaResult",
    "ChoiceResult",
    "CountingError",
    "Grade",
    "JudgmentEntry",
    "JudgmentResult",
    "MotionResult",
    "PreflibElection",
    "SchulzeResult",
    "as_fraction",
    "exact_sum",
    "median_grade",
    "pairwise_matrix",
    "parse_preflib",
    "tally_approval",
    "tally_borda",
    "tally_majority_judgment",
    "tally_motion",
    "tally_schulze",
    "tally_single_choice",
    "to_decimal",
    "validate_approval",
    "validate_judgment",
    "validate_motion_choice",
    "validate_ranking",
    "validate_single_choice",
    "weights_colleges",
    "weights_one_per_organisation",
    "weights_proportional_capped",
]
