"""Demo synthesis: after the debate demo, each debate gets its points marked (if the debate
demo marked too few), its opinion groups computed and two or three points pinned by the
steering committee (`copil`) with a summary drawn from the numbers. Idempotent."""

from django.db.models import Count

from alliance.models import User
from deliberation.models import CommentStatus, PinKind, Thread
from deliberation.synthesis import selectors, services

MIN_POINTS = 4
POINTS_TO_MARK = 8


def _write(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _ensure_points(thread: Thread, facilitator: User) -> None:
    """Mark the most-reacted convergence and divergence comments as points when few are."""
    comments = thread.comments.filter(status=CommentStatus.VISIBLE)
    if comments.filter(is_point=True).count() >= MIN_POINTS:
        return
    reacted = comments.filter(is_point=False).annotate(n=Count("reactions")).filter(n__gt=0)
    candidates = sorted(
        reacted, key=lambda c: (c.stance not in ("convergence", "divergence"), -c.n, c.pk)
    )[:POINTS_TO_MARK]
    for comment in candidates:
        services.point_mark(actor=facilitator, comment=comment, is_point=True)


def _rate_text(column, counts) -> str:
    return f"{column.label} {round(counts.agreement_rate * 100)} %"


def _summaries(synthesis) -> list[tuple[object, str, str]]:
    """(point row, kind, summary) for the best convergences and the sharpest divergence."""
    chosen = []
    for row in synthesis.convergences[:2]:
        rated = [(c, n) for c, n in row.by_group if n.seen and not n.small]
        spread = ", ".join(_rate_text(c, n) for c, n in rated)
        chosen.append(
            (
                row,
                PinKind.CONVERGENCE,
                f"**Convergence entre les réseaux.** {row.overall.agree} réactions d'accord "
                f"sur {row.overall.seen}, et chaque réseau suit : {spread or 'peu de réactions'}.",
            )
        )
    for row in synthesis.divergences[:1]:
        rated = sorted(
            ((c, n) for c, n in row.by_group if n.seen and not n.small),
            key=lambda pair: pair[1].smoothed_agreement,
        )
        if len(rated) < 2:
            continue
        (low, low_counts), (high, high_counts) = rated[0], rated[-1]
        chosen.append(
            (
                row,
                PinKind.DIVERGENCE,
                f"**Divergence à travailler.** {_rate_text(high, high_counts)} d'accord, "
                f"contre {_rate_text(low, low_counts)} : les réseaux ne lisent pas ce point "
                f"de la même façon, à reprendre en atelier.",
            )
        )
    return chosen


def load(*, stdout=None) -> dict:
    threads = list(Thread.objects.filter(comments__isnull=False).distinct().order_by("pk"))
    if not threads:
        _write(stdout, "synthèse : aucun débat dans la base, rien à faire.")
        return {"threads": 0}
    copil = User.objects.filter(username="copil").first()
    if copil is None:
        _write(stdout, "synthèse : compte « copil » absent, rien à faire.")
        return {"threads": 0}
    pinned = 0
    for thread in threads:
        _ensure_points(thread, copil)
        services.opinion_groups_compute(thread=thread)
        synthesis = selectors.thread_synthesis(thread=thread)
        if synthesis.pins:
            continue
        for row, kind, summary in _summaries(synthesis):
            services.synthesis_pin(actor=copil, comment=row.comment, summary=summary, kind=kind)
            pinned += 1
    return {"threads": len(threads), "pins": pinned}
