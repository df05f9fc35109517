"""The benchmark keeps the server and the load client on separate cores."""

import json
import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def test_the_server_is_not_pinned_to_the_core_the_client_pinned_itself_to():
    code = (
        "import json; from bench import processes; processes.pin_self_to_client_cores(); "
        "print(json.dumps([processes.server_cores(), processes.client_cores()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    server, client = map(set, json.loads(result.stdout))
    if len(os.sched_getaffinity(0)) > 1:
        assert server.isdisjoint(client)
    else:
        assert server == client
