"""Every change of a person's roles is traced: who, when, what (`person_roles_set`)."""

import pytest

from alliance.errors import InvalidInput, NotAllowed
from alliance.models import RoleChange
from alliance.services import person_roles_set
from tests.factories import OrganisationFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_granted_role_is_saved_and_traced_with_its_actor_and_cae():
    secretariat = SecretariatFactory()
    person = UserFactory()
    changes = person_roles_set(actor=secretariat, person=person, is_delegate=True)
    person.refresh_from_db()
    assert person.is_delegate
    assert [(c.role, c.granted, c.actor, c.organisation) for c in changes] == [
        ("is_delegate", True, secretariat, person.organisation)
    ]
    assert RoleChange.objects.filter(person=person).count() == 1


def test_an_unchanged_role_records_nothing():
    person = UserFactory(is_delegate=True)
    assert person_roles_set(actor=SecretariatFactory(), person=person, is_delegate=True) == []
    assert not RoleChange.objects.exists()


def test_a_referent_names_delegates_of_its_own_cae_only():
    referent = UserFactory(is_referent=True)
    colleague = UserFactory(organisation=referent.organisation)
    person_roles_set(actor=referent, person=colleague, is_delegate=True)
    outsider = UserFactory(organisation=OrganisationFactory())
    with pytest.raises(NotAllowed) as refused:
        person_roles_set(actor=referent, person=outsider, is_delegate=True)
    assert refused.value.code == "role_not_allowed"
    outsider.refresh_from_db()
    assert not outsider.is_delegate


def test_a_referent_cannot_grant_a_platform_role():
    referent = UserFactory(is_referent=True)
    colleague = UserFactory(organisation=referent.organisation)
    with pytest.raises(NotAllowed):
        person_roles_set(actor=referent, person=colleague, is_secretariat=True)
    colleague.refresh_from_db()
    assert not colleague.is_secretariat
    assert not RoleChange.objects.exists()


@pytest.mark.parametrize(
    ("flags", "code"),
    [({"is_king": True}, "unknown_role"), ({"is_delegate": "yes"}, "invalid_role")],
)
def test_bad_flags_are_refused_and_change_nothing(flags, code):
    person = UserFactory()
    with pytest.raises(InvalidInput) as refused:
        person_roles_set(actor=SecretariatFactory(), person=person, **flags)
    assert refused.value.code == code
    assert not RoleChange.objects.exists()


def test_a_person_of_no_cae_cannot_be_made_delegate_or_referent():
    person = UserFactory(organisation=None)
    with pytest.raises(InvalidInput) as refused:
        person_roles_set(actor=None, person=person, is_referent=True)
    assert refused.value.code == "role_needs_organisation"
    person.refresh_from_db()
    assert not person.is_referent


def test_a_role_changed_in_the_django_admin_is_traced_with_the_admin_as_actor(client):
    from django.urls import reverse

    from tests.factories import AdminFactory

    admin = AdminFactory()
    person = UserFactory()
    client.force_login(admin)
    page = client.get(reverse("admin:alliance_user_change", args=[person.pk]))
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name) if form.initial.get(name) is not None else ""
        for name in form.fields
    }
    data.update(
        {
            "is_delegate": "on",
            "is_referent": "on",
            "organisation": person.organisation_id,
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": person.date_joined.strftime("%d/%m/%Y"),
            "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        }
    )
    data = {key: value for key, value in data.items() if value not in (False, None)}
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = client.post(reverse("admin:alliance_user_change", args=[person.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    traced = {(c.role, c.granted, c.actor_id) for c in RoleChange.objects.filter(person=person)}
    assert traced == {("is_delegate", True, admin.pk), ("is_referent", True, admin.pk)}
