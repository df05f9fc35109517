"""Called by the debate services after reactions or points change (after commit).

The synthesis part of the app fills these in (recompute opinion groups off the request path).
"""


def reactions_changed(*, thread_id: int) -> None:
    """Reactions of a thread changed: refresh what depends on them."""
