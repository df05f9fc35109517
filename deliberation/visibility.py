"""A debate inherits who may see its object: one rule per object kind, registered by its app.

Threads (and the notifications about them) hang on any object through a content type and an
id. Each app whose objects carry a thread registers, in its `AppConfig.ready()`, the rule of
that kind twice over: `may_see(user, obj)` for one object, and `visible(user)`, the same rule as
a `Q` over its model (or None: everything), so that lists filter in SQL instead of asking row
by row. Deliberation never imports the apps above it: they come to it.

A kind nobody registered keeps the debate's own rule (signed-in people). A thread whose
registered object is gone is seen by nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q


@dataclass(frozen=True)
class Kind:
    model: type[Model]
    may_see: Callable[[object, Model], bool]
    visible: Callable[[object], Q | None]


_KINDS: dict[type[Model], Kind] = {}


def register(model: type[Model], *, may_see, visible) -> None:
    """Declare who may see objects of `model` (called once, from the app's `ready()`)."""
    _KINDS[model] = Kind(model=model, may_see=may_see, visible=visible)


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def _kind_of(content_type_id: int) -> Kind | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return _KINDS.get(model)


def may_see(user, target) -> bool:
    """May `user` see `target` (any object a thread or a follow may hang on)?"""
    kind = _KINDS.get(type(target))
    return kind is None or kind.may_see(user, target)


def may_see_target_of(user, holder) -> bool:
    """The same for the object a thread (or a follow, a notification) hangs on through its
    `content_type`, `object_id` and `target`; loaded only when its kind has a rule."""
    kind = _kind_of(holder.content_type_id)
    if kind is None:
        return True
    target = holder.target
    return target is not None and kind.may_see(user, target)


def visible_q(user, *, prefix: str = "") -> Q:
    """The rows (threads, notifications...) whose `<prefix>content_type` and
    `<prefix>object_id` point to an object `user` may see, as one filter (a subquery per
    registered kind, in the same statement)."""
    registered = []
    condition = Q()
    content_types = ContentType.objects.get_for_models(*_KINDS)  # cached for the process
    for kind in _KINDS.values():
        content_type = content_types[kind.model]
        registered.append(content_type.pk)
        objects = kind.model._default_manager.order_by()
        rule = kind.visible(user)
        if rule is not None:
            objects = objects.filter(rule)
        condition |= Q(
            **{
                f"{prefix}content_type_id": content_type.pk,
                f"{prefix}object_id__in": objects.values("pk"),
            }
        )
    return condition | ~Q(**{f"{prefix}content_type_id__in": registered})
