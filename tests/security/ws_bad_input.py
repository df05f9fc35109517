"""Bad input at a WebSocket door: reusable checks for any consumer.

Each check takes a connected `channels.testing.WebsocketCommunicator` (already past `connect()`
as whoever should be connected; `check_all` takes a factory of them), sends one kind of bad
input and asserts the consumer answers the way the conventions say (docs/CONVENTIONS.md, "Errors"): a message
`{"type": "error", "code": <stable code>, "message": <text>, ...}` and the connection kept, or,
where allowed below, a close with a documented code. Nothing else may happen: no crash (which
Channels turns into close 1011), no silence.

    from tests.security import ws_bad_input

    def test_the_assembly_channel_refuses_bad_input(delegate, poll):
        async def connect():
            communicator = WebsocketCommunicator(
                URLRouter(websocket_urlpatterns), f"/ws/assemblies/{poll.assembly_id}/"
            )
            communicator.scope["user"] = delegate  # no session: the router is called directly
            connected, _ = await communicator.connect()
            assert connected
            return communicator

        ws_bad_input.run_in_own_loop(ws_bad_input.check_all, connect)

Codes expected by default (a consumer may use others by passing `codes=`/`close_codes=`):

| input                         | error code           | or close with        |
|-------------------------------|----------------------|----------------------|
| text that is not JSON         | `malformed_message`  | (never: keep it)     |
| JSON that is not an object    | `malformed_message`  | (never: keep it)     |
| an unknown `type`             | `unknown_type`       | (never: keep it)     |
| a frame over 64 KiB           | `message_too_large`  | 1009 (too big)       |
| a flood (rate limit)          | `rate_limited`       | 1008 (policy), 4029  |
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from alliance.ws import CLOSE_FLOOD

MAX_FRAME_BYTES = 64 * 1024
FLOOD_MESSAGES = 200
TIMEOUT = 1.0


def run_in_own_loop(coroutine_function, *args):
    """Run `coroutine_function(*args)` on its own event loop in its own thread. Use it from a
    plain (sync) test: once a browser test has started Playwright's synchronous API, the main
    thread has a running loop, and pytest-asyncio tests (or asyncio.run) fail there with
    "Runner.run() cannot be called from a running event loop"."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_function(*args)).result()


class Answer:
    """What the consumer sent back: the JSON messages, the close code if it closed, the
    exception if it crashed."""

    def __init__(self):
        self.messages: list[dict] = []
        self.close_code: int | None = None
        self.crash: str | None = None

    @property
    def errors(self) -> list[dict]:
        return [m for m in self.messages if isinstance(m, dict) and m.get("type") == "error"]

    def __repr__(self):
        return (
            f"Answer(messages={self.messages[:5]!r}, close={self.close_code}, crash={self.crash})"
        )


async def drain(communicator, *, timeout: float = TIMEOUT, until_error: bool = True) -> Answer:
    """Collect what the consumer sends until it is quiet for `timeout` seconds (or, with
    `until_error`, until the first error message), closes or crashes. (`receive_nothing`
    first: a timed-out `receive_output` would cancel the consumer.)"""
    answer = Answer()
    while True:
        try:
            if await communicator.receive_nothing(timeout=timeout):
                return answer
            output = await communicator.receive_output()
        except Exception as exc:  # the consumer raised: daphne would close with 1011
            answer.crash = f"{type(exc).__name__}: {exc}"
            return answer
        if output["type"] == "websocket.close":
            answer.close_code = output.get("code", 1000)
            return answer
        if output["type"] == "websocket.send":
            text = output.get("text")
            try:
                answer.messages.append(json.loads(text) if text is not None else output)
            except ValueError:
                answer.messages.append({"unparsable": text})
            if until_error and answer.errors:
                return answer


async def _send(communicator, *, text: str) -> None:
    try:
        await communicator.send_to(text_data=text)
    except Exception as exc:  # raised by an earlier message: the consumer is dead
        raise AssertionError(f"the consumer had crashed: {type(exc).__name__}: {exc}") from exc


def _assert_error(answer: Answer, codes: set[str], what: str) -> None:
    assert answer.crash is None, f"{what}: the consumer crashed ({answer.crash})"
    assert answer.close_code is None, f"{what}: closed with {answer.close_code} instead of an error"
    assert answer.errors, f"{what}: no error message: {answer!r}"
    error = answer.errors[0]
    assert error.get("code") in codes, f"{what}: code {error.get('code')!r}, expected {codes}"
    assert isinstance(error.get("message"), str) and error["message"], f"{what}: no message"


async def assert_connection_kept(communicator, *, timeout: float = 0.2) -> None:
    """The consumer did not close (messages it pushes meanwhile, e.g. tallies, are fine)."""
    answer = await drain(communicator, timeout=timeout, until_error=False)
    assert answer.crash is None, f"the consumer crashed ({answer.crash})"
    assert answer.close_code is None, f"the consumer closed with {answer.close_code}"


async def check_malformed_json(communicator, *, codes=frozenset({"malformed_message"})) -> None:
    for text in ("{not json", " ", "\x00\xff", '{"type": "vote"'):
        await _send(communicator, text=text)
        _assert_error(await drain(communicator), set(codes), f"text {text!r}")
    for value in ("[]", "42", '"vote"', "null"):
        await _send(communicator, text=value)
        _assert_error(await drain(communicator), set(codes), f"JSON {value}")
    await assert_connection_kept(communicator)


async def check_unknown_type(communicator, *, codes=frozenset({"unknown_type"})) -> None:
    for message in (
        {"type": "no.such.type"},
        {"type": "__init__"},
        {"type": "websocket.disconnect"},  # a Channels handler name must not be reachable
        {"type": None},
        {"no_type": True},
    ):
        await _send(communicator, text=json.dumps(message))
        _assert_error(await drain(communicator), set(codes), f"message {message!r}")
    await assert_connection_kept(communicator)


async def check_oversized_frame(
    communicator,
    *,
    codes=frozenset({"message_too_large"}),
    close_codes=frozenset({1009}),
) -> None:
    padding = "x" * (MAX_FRAME_BYTES + 1)
    await _send(communicator, text=json.dumps({"type": "vote", "padding": padding}))
    answer = await drain(communicator)
    assert answer.crash is None, f"oversized frame: the consumer crashed ({answer.crash})"
    if answer.close_code is not None:
        assert answer.close_code in close_codes, f"oversized frame: closed {answer.close_code}"
        return
    _assert_error(answer, set(codes), "a frame over 64 KiB")
    await assert_connection_kept(communicator)


async def check_flood(
    communicator,
    *,
    message: dict | None = None,
    count: int = FLOOD_MESSAGES,
    codes=frozenset({"rate_limited"}),
    close_codes=frozenset({1008, 4029, CLOSE_FLOOD}),
) -> None:
    """Send `count` messages without waiting: the per-connection rate limit must answer
    `rate_limited` (the connection may then be kept) or close with a documented code."""
    for _ in range(count):
        await _send(communicator, text=json.dumps(message or {"type": "ping"}))
    answer = Answer()
    while True:
        chunk = await drain(communicator, until_error=False)
        answer.messages.extend(chunk.messages)
        answer.close_code, answer.crash = chunk.close_code, chunk.crash
        if chunk.close_code is not None or chunk.crash or not chunk.messages:
            break
    assert answer.crash is None, f"flood: the consumer crashed ({answer.crash})"
    if answer.close_code is not None:
        assert answer.close_code in close_codes, f"flood: closed with {answer.close_code}"
        return
    assert answer.errors, f"flood of {count}: no rate limit answered"
    assert {e.get("code") for e in answer.errors} & set(codes), f"flood: {answer.errors[:3]}"


async def check_all(connect, *, flood_message: dict | None = None) -> None:
    """Every check, each on a fresh connection from `connect()` (an async callable returning a
    connected communicator), since the oversized frame and the flood may close theirs."""
    for check in (check_malformed_json, check_unknown_type, check_oversized_frame):
        communicator = await connect()
        await check(communicator)
        await communicator.disconnect()
    communicator = await connect()
    await check_flood(communicator, message=flood_message)
    await communicator.disconnect()


async def assert_other_client_unaffected(other, probe: dict, expected_type: str) -> None:
    """After another connection was fed bad input, this one still answers `probe`."""
    await _send(other, text=json.dumps(probe))
    answer = await drain(other, until_error=False)
    assert answer.crash is None and answer.close_code is None, answer
    assert any(m.get("type") == expected_type for m in answer.messages), answer
