"""Points, pins and stored opinion groups: permissions, bad input, effects."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from alliance.errors import InvalidInput, NotAllowed
from deliberation.models import CommentStatus, OpinionGroupsResult, PinKind, SynthesisPin
from deliberation.synthesis import hooks, services
from tests.deliberation.synthesis_factories import (
    CommentFactory,
    PointFactory,
    ThreadFactory,
    make_camps_thread,
)

pytestmark = pytest.mark.django_db


# --- Points ----------------------------------------------------------------------------------


def test_the_author_marks_their_comment_as_a_point(member):
    comment = CommentFactory(author=member)
    services.point_mark(actor=member, comment=comment, is_point=True)
    comment.refresh_from_db()
    assert comment.is_point


@pytest.mark.parametrize("role", ["secretariat", "steering"])
def test_a_facilitator_marks_anyones_comment(request, role):
    comment = CommentFactory()
    services.point_mark(actor=request.getfixturevalue(role), comment=comment, is_point=True)
    comment.refresh_from_db()
    assert comment.is_point


def test_another_member_may_not_mark_a_point(other_delegate):
    comment = CommentFactory()
    with pytest.raises(NotAllowed) as error:
        services.point_mark(actor=other_delegate, comment=comment, is_point=True)
    assert error.value.code == "not_allowed"
    comment.refresh_from_db()
    assert not comment.is_point


def test_a_hidden_comment_cannot_become_a_point(secretariat):
    comment = CommentFactory(status=CommentStatus.HIDDEN)
    with pytest.raises(InvalidInput) as error:
        services.point_mark(actor=secretariat, comment=comment, is_point=True)
    assert error.value.code == "comment_not_visible"


def test_unmarking_a_point_unpins_it(steering):
    point = PointFactory()
    services.synthesis_pin(actor=steering, comment=point, summary="Accord large")
    services.point_mark(actor=steering, comment=point, is_point=False)
    assert not SynthesisPin.objects.exists()


def test_marking_a_point_recomputes_the_opinion_groups_after_commit(
    steering, settings, django_capture_on_commit_callbacks
):
    settings.SYNTHESIS_RECOMPUTE_DELAY = 0
    comment = CommentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.point_mark(actor=steering, comment=comment, is_point=True)
    assert OpinionGroupsResult.objects.filter(thread=comment.thread).exists()


# --- Pins ------------------------------------------------------------------------------------


def test_the_steering_committee_pins_a_point_with_a_sanitised_summary(steering):
    point = PointFactory()
    pin = services.synthesis_pin(
        actor=steering,
        comment=point,
        summary="**Accord** <script>alert(1)</script>",
        kind=PinKind.CONVERGENCE,
    )
    assert pin.thread == point.thread and pin.pinned_by == steering
    assert "<strong>Accord</strong>" in pin.summary_html
    assert "<script>" not in pin.summary_html


def test_pinning_again_updates_the_entry_and_new_pins_come_after(steering):
    first, second = PointFactory(), None
    second = PointFactory(thread=first.thread)
    services.synthesis_pin(actor=steering, comment=first, summary="Un")
    services.synthesis_pin(actor=steering, comment=second, summary="Deux")
    again = services.synthesis_pin(
        actor=steering, comment=first, summary="Un, revu", kind=PinKind.DIVERGENCE
    )
    assert SynthesisPin.objects.count() == 2
    assert (again.summary, again.kind, again.order) == ("Un, revu", "divergence", 0)
    assert SynthesisPin.objects.get(comment=second).order == 1


@pytest.mark.parametrize("role", ["delegate", "secretariat", "member"])
def test_only_the_steering_committee_pins(request, role):
    with pytest.raises(NotAllowed) as error:
        services.synthesis_pin(
            actor=request.getfixturevalue(role), comment=PointFactory(), summary="Hop"
        )
    assert error.value.code == "not_allowed"
    assert not SynthesisPin.objects.exists()


@pytest.mark.parametrize(
    ("summary", "kind", "point", "code"),
    [
        ("   ", "other", True, "summary_empty"),
        ("x" * 5001, "other", True, "summary_too_long"),
        ("Bien", "maybe", True, "invalid_kind"),
        ("Bien", "other", False, "not_a_point"),
    ],
)
def test_bad_pins_are_refused_with_a_code(steering, summary, kind, point, code):
    comment = CommentFactory(is_point=point)
    with pytest.raises(InvalidInput) as error:
        services.synthesis_pin(actor=steering, comment=comment, summary=summary, kind=kind)
    assert error.value.code == code
    assert not SynthesisPin.objects.exists()


def test_only_the_steering_committee_unpins(steering, delegate):
    pin = services.synthesis_pin(actor=steering, comment=PointFactory(), summary="Un")
    with pytest.raises(NotAllowed):
        services.synthesis_unpin(actor=delegate, pin=pin)
    services.synthesis_unpin(actor=steering, pin=pin)
    assert not SynthesisPin.objects.exists()


# --- Opinion groups ----------------------------------------------------------------------------


def test_opinion_groups_are_computed_from_points_and_stored():
    thread, points, camps, reaction_count = make_camps_thread()
    CommentFactory(thread=thread)  # not a point: not in the matrix
    result = services.opinion_groups_compute(thread=thread)
    assert result.reactions_count == reaction_count
    assert (result.people_count, result.points_count) == (16, 6)
    assert sorted((set(g["members"]) for g in result.groups), key=min) == sorted(camps, key=min)
    assert {r["point"] for g in result.groups for r in g["representative"]} <= {
        p.pk for p in points.values()
    }
    assert len(result.coordinates) == 16
    again = services.opinion_groups_compute(thread=thread)
    assert again.pk == result.pk  # one stored result per thread
    assert not services.opinion_groups_stale(thread)


def test_the_hook_stores_a_result_and_pushes_it_to_the_thread_group(settings):
    settings.SYNTHESIS_RECOMPUTE_DELAY = 0
    thread, _points, _camps, _n = make_camps_thread()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"thread-{thread.pk}", channel)
    hooks.reactions_changed(thread_id=thread.pk)
    message = async_to_sync(layer.receive)(channel)
    async_to_sync(layer.group_discard)(f"thread-{thread.pk}", channel)
    result = OpinionGroupsResult.objects.get(thread=thread)
    assert message["type"] == "opinion_groups"
    assert message["thread"] == thread.pk
    assert message["people"] == 16 and len(message["groups"]) == 2
    assert sum(g["size"] for g in message["groups"]) == result.people_count


def test_the_hook_never_raises(settings, monkeypatch):
    settings.SYNTHESIS_RECOMPUTE_DELAY = 0

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "opinion_groups_compute", broken)
    hooks.reactions_changed(thread_id=ThreadFactory().pk)  # logged, not raised
