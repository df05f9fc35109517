"""Tell the assembly's live group that a ballot committed.

This version sends the full tally snapshot at once, for every ballot (no coalescing). The
snapshot is absolute and carries `seq` (ballots counted), so a client keeps the one with the
highest seq and ignores older ones that arrive late.
"""

from alliance.events import group_send_now


def ballot_committed(poll_id: int) -> None:
    """Called by `ballot_cast` after its transaction committed."""
    from assemblies.models import Poll
    from assemblies.selectors import poll_tally

    poll = (
        Poll.objects.filter(pk=poll_id).only("id", "assembly_id", "method", "max_choices").first()
    )
    if poll is None:
        return
    group_send_now(f"assembly-{poll.assembly_id}", poll_tally(poll))
