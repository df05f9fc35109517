"""Who may do what in the synthesis, built on `alliance.rules`."""

from alliance import rules


def can_mark_point(user, comment) -> bool:
    """The author of a comment, or a facilitator, marks it as a point for the synthesis."""
    return rules.is_authenticated(user) and (
        comment.author_id == user.pk or rules.is_facilitator(user)
    )


def can_pin(user) -> bool:
    """Only the steering committee edits the synthesis."""
    return rules.is_steering_committee(user)
