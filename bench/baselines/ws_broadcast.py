"""Baseline: a bare `websockets` broadcast server. No auth, no database, no channel layer.

A client sends any text; the server answers nothing to it and broadcasts
`{"type": "tally", "seq": n}` to every connection. `python -m bench.baselines.ws_broadcast PORT`
"""

import asyncio
import json
import sys

from websockets.asyncio.server import broadcast, serve

CONNECTIONS = set()
SEQ = 0


async def handler(websocket):
    global SEQ
    CONNECTIONS.add(websocket)
    try:
        await websocket.send(json.dumps({"type": "assembly.state"}))
        async for _message in websocket:
            SEQ += 1
            broadcast(CONNECTIONS, json.dumps({"type": "tally", "seq": SEQ}))
    finally:
        CONNECTIONS.discard(websocket)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_queue=None, ping_interval=None):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
