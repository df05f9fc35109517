"""The procès-verbal of an assembly (Markdown) and its CSV exports.

Every value a person wrote (names, titles, labels, places) goes through `md`, so that it reads
as literal text in the procès-verbal and can forge no heading, link, table or HTML.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from alliance.csv_safe import csv_text
from alliance.markdown import markdown_escape as md
from assemblies import selectors, tallying
from assemblies.models import Assembly, Attendance, Poll


def outcome_text(poll: Poll, result: dict) -> str:
    outcome = result["outcome"]
    labels = {o["id"]: o["label"] for o in result["poll"]["options"]}
    if poll.method == Poll.Method.MOTION:
        return _("adoptée") if outcome["adopted"] else _("rejetée")
    if not result["tally"]["ballots"]:
        return _("aucun bulletin")
    winners = [labels.get(w, str(w)) for w in outcome["winners"]]
    if not winners:
        return _("aucun choix exprimé")
    if len(winners) > 1:
        return _("égalité entre %(names)s") % {"names": ", ".join(winners)}
    return _("en tête : %(name)s") % {"name": winners[0]}


def total_lines(poll: Poll, result: dict) -> list[tuple[str, str]]:
    """(answer, weighted total) pairs in words, for the minutes and the results page."""
    totals = result["tally"]["totals"]
    labels = {str(o["id"]): o["label"] for o in result["poll"]["options"]}
    if poll.method == Poll.Method.MOTION:
        return [(str(tallying.MOTION_LABELS[k]), totals[k]) for k in ("yes", "no", "abstain")]
    if poll.method == Poll.Method.JUDGMENT:  # in the order of the result, best first
        return [
            (
                f"{e['rank']}. {labels[str(e['option'])]}",
                f"{tallying.GRADE_LABELS[e['median']]} {e['sign']}",
            )
            for e in result["outcome"]["ranking"]
        ]
    lines = [(labels[k], v) for k, v in totals.items() if k in labels]
    if "blank" in totals:
        lines.append((_("blanc"), totals["blank"]))
    return lines


def _agenda_lines(assembly: Assembly) -> list[str]:
    items = list(assembly.agenda.all())
    if not items:
        return []
    return [f"## {_('Ordre du jour')}", "", *(f"{i.position}. {md(i.title)}" for i in items), ""]


def minutes_markdown(assembly: Assembly, *, include_unpublished: bool = False) -> str:
    """The procès-verbal; closed but unpublished polls only for the secretariat."""
    statuses = ["closed", "published"] if include_unpublished else ["published"]
    state = selectors.presence(assembly)
    presence = state.as_payload()
    lines = [
        f"# {_('Procès-verbal')} : {md(assembly.title)}",
        "",
        f"{formats.date_format(assembly.starts_on)} – {formats.date_format(assembly.ends_on)}"
        + (f", {md(assembly.place)}" if assembly.place else ""),
        "",
        *_agenda_lines(assembly),
        f"## {_('Présences')}",
        "",
        _(
            "%(present)s CAE présentes et %(represented)s représentées sur %(entitled)s ; "
            "poids présent %(pw)s, représenté %(rw)s, total %(tw)s ; quorum %(q)s : %(ok)s."
        )
        % {
            "present": presence["present"],
            "represented": presence["represented"],
            "entitled": presence["entitled"],
            "pw": presence["present_weight"],
            "rw": presence["represented_weight"],
            "tw": presence["total_weight"],
            "q": presence["quorum_weight"],
            "ok": _("atteint") if presence["quorum_reached"] else _("non atteint"),
        },
        "",
    ]
    for row in selectors.attendance_rows(assembly):
        lines.append(f"- {md(row.organisation.name)} ({md(row.delegate.display_name)})")
    for proxy in selectors.represented_rows(assembly, state):
        lines.append(
            "- "
            + _("%(giver)s, représentée par %(holder)s (%(holder_cae)s)")
            % {
                "giver": md(proxy.giver.name),
                "holder": md(proxy.holder.display_name),
                "holder_cae": md(proxy.holder.organisation.name),
            }
        )
    lines += ["", f"## {_('Votes')}", ""]
    for poll in assembly.polls.filter(status__in=statuses).prefetch_related("options"):
        result = selectors.poll_result(poll)
        part = result["participation"]
        head = selectors.ledger_head(poll)
        lines += [
            f"### {md(poll.title)}",
            "",
            f"{poll.get_method_display()}"
            + (f" ; {poll.get_threshold_display()}" if poll.threshold else "")
            + (f" ; {_('vote secret')}" if poll.secret else f" ; {_('vote nominatif')}"),
            "",
            _("%(voted)s CAE ont voté sur %(entitled)s ; poids exprimé %(cast)s sur %(present)s.")
            % {
                "voted": part["voted"],
                "entitled": part["entitled"],
                "cast": part["weight_cast"],
                "present": part["weight_present"],
            },
            "",
        ]
        lines += [f"- {md(label)} : {md(value)}" for label, value in total_lines(poll, result)]
        lines += [
            "",
            f"**{_('Résultat')}** : {md(outcome_text(poll, result))}",
            "",
            f"{_('Empreinte du registre')} : `{head}`",
            "",
            f"{_('Pour vérifier que le registre n’a pas été réécrit :')} "
            f"`manage.py verify_poll {poll.pk} --head {head}`",
            "",
        ]
    return "\n".join(lines)


def _csv(header: list[str], rows) -> str:
    return csv_text([header, *rows])  # no cell runs as a formula (alliance/csv_safe.py)


def attendance_csv(assembly: Assembly, *, include_unpublished: bool = False) -> str:
    rows = (
        Attendance.objects.filter(assembly=assembly)
        .select_related("organisation", "delegate")
        .order_by("checked_in_at")
    )
    return _csv(
        [_("CAE"), _("délégué·e"), _("présence"), _("arrivée"), _("départ")],
        (
            [
                r.organisation.name,
                r.delegate.display_name,
                r.get_mode_display(),
                r.checked_in_at.isoformat(),
                r.checked_out_at.isoformat() if r.checked_out_at else "",
            ]
            for r in rows
        ),
    )


def polls_csv(assembly: Assembly, *, include_unpublished: bool = False) -> str:
    statuses = ["closed", "published"] if include_unpublished else ["published"]
    rows = []
    for poll in assembly.polls.filter(status__in=statuses).prefetch_related("options"):
        result = selectors.poll_result(poll)
        for label, value in total_lines(poll, result):
            rows.append([poll.pk, poll.title, poll.get_method_display(), label, value])
    return _csv([_("vote"), _("question"), _("méthode"), _("réponse"), _("total pondéré")], rows)


def ballots_csv(poll: Poll) -> str:
    """Named polls: who voted what. Secret polls: nothing per ballot (`published_ballots`)."""
    if poll.secret:
        return _csv(
            [_("empreinte du reçu"), _("choix"), _("poids")],
            (
                [
                    b.receipt_hash,
                    selectors.choice_labels(poll, b.choice),
                    tallying.decimal(b.weight),
                ]
                for b in selectors.published_ballots(poll)
            ),
        )
    return _csv(
        [_("CAE"), _("choix"), _("poids"), _("par"), _("bulletin papier"), _("procuration")],
        (
            [
                v["organisation"].name,
                selectors.choice_labels(poll, v["choice"]),
                v["weight"],
                v["cast_by"].display_name,
                _("oui") if v["paper"] else "",
                _("oui") if v["via_proxy"] else "",
            ]
            for v in selectors.named_votes(poll)
        ),
    )
