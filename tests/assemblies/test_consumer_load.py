"""The live channel under a crowd: many delegates connecting at once."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from rest_framework.authtoken.models import Token

from assemblies import consumers
from tests.assemblies.factories import AssemblyFactory, open_poll, seat
from tests.assemblies.live_helpers import communicator, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def short_auth_timeout(settings):
    settings.LIVE_AUTH_TIMEOUT = 0.3


async def test_a_token_sent_in_time_but_looked_up_slowly_is_not_refused(monkeypatch, delegate):
    """The deadline is for sending the token; a lookup queued behind a crowd may take longer."""
    assembly = await database_sync_to_async(AssemblyFactory)()
    token = await database_sync_to_async(lambda: Token.objects.create(user=delegate).key)()
    real_lookup = consumers.user_for_token

    async def slow_lookup(key):
        await asyncio.sleep(0.6)  # twice the deadline
        return await real_lookup(key)

    monkeypatch.setattr(consumers, "user_for_token", slow_lookup)
    comm = communicator(assembly.pk)
    assert (await comm.connect())[0]
    await comm.send_json_to({"type": "auth", "token": token})
    state = await comm.receive_json_from(timeout=3)
    assert state["type"] == "assembly.state"
    await comm.disconnect()


async def test_connections_asking_at_once_share_one_state_read(monkeypatch, member):
    assembly = await database_sync_to_async(AssemblyFactory)()
    await database_sync_to_async(seat)(assembly, 3)
    poll = await database_sync_to_async(open_poll)(assembly)
    cookie = await database_sync_to_async(session_cookie)(member)
    real_read = consumers.read_state
    reads = []

    async def counted_read(assembly):
        reads.append(assembly.pk)
        await asyncio.sleep(0.3)  # a read queued behind the crowd
        return await real_read(assembly)

    monkeypatch.setattr(consumers, "read_state", counted_read)
    comms = [communicator(assembly.pk, cookie=cookie) for _ in range(10)]
    await asyncio.gather(*(c.connect() for c in comms))
    states = await asyncio.gather(*(c.receive_json_from(timeout=3) for c in comms))
    assert all(s["type"] == "assembly.state" and s["polls"][0]["id"] == poll.pk for s in states)
    assert len(reads) < len(comms)
    # Each connection got its own copy: adjusting one never changes another's.
    states[0]["polls"][0]["tally"]["seq"] = 99
    assert states[1]["polls"][0]["tally"]["seq"] == 0
    await asyncio.gather(*(c.disconnect() for c in comms))
