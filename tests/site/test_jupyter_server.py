"""The Binder path: a Jupyter server opens every chapter's ``.md`` as a notebook, and a kernel runs it.

A real ``jupyter server`` is started on a loopback port with the environment's
configuration (jupytext's contents manager, which Binder uses too). Each chapter is
fetched through the REST API (``GET /api/contents/chapters/<name>.md?type=notebook``) and
must come back as a notebook with code cells; the notebook *as the server served it* is
then executed by a kernel the server starts (``POST /api/kernels``, code sent over its
websocket), cell by cell, with no error.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sitepaths import ROOT

CHAPTERS = sorted(p.name for p in (ROOT / "chapters").glob("*.md"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    requests = pytest.importorskip("requests")
    pytest.importorskip("jupyter_server", reason="jupyter_server is not installed (extra 'site')")
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("jupyter") / "server.log"
    err = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False", f"--ServerApp.root_dir={ROOT}",
         "--ServerApp.port_retries=0", "--allow-root"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    for _ in range(100):
        try:
            if requests.get(f"{base}/api/status", headers=headers, timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
    else:
        proc.kill()
        proc.wait(timeout=20)
        err.close()
        pytest.fail(f"jupyter server did not start: {log.read_text()[-2000:]}")
    yield base, headers, token
    proc.terminate()
    proc.wait(timeout=20)
    err.close()


def _run_in_kernel(base: str, token: str, headers: dict, cells: list[str], cwd: str) -> None:
    import requests
    import websocket

    kernel = requests.post(f"{base}/api/kernels", headers=headers, json={"name": "python3"}, timeout=30).json()
    ws = websocket.create_connection(
        f"{base.replace('http', 'ws')}/api/kernels/{kernel['id']}/channels?token={token}", timeout=180)
    try:
        for k, code in enumerate([f"import os; os.chdir({cwd!r})", *cells]):
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }))
            while True:
                reply = json.loads(ws.recv())
                if reply.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if reply["msg_type"] == "error":
                    pytest.fail(f"cell {k} raised {reply['content']['ename']}: {reply['content']['evalue']}")
                if reply["msg_type"] == "execute_reply":
                    assert reply["content"]["status"] == "ok", f"cell {k}: {reply['content']}"
                    break
    finally:
        ws.close()
        requests.delete(f"{base}/api/kernels/{kernel['id']}", headers=headers, timeout=30)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_server_opens_and_runs_the_chapter(jupyter, chapter):
    import requests

    base, headers, token = jupyter
    r = requests.get(f"{base}/api/contents/chapters/{chapter}", headers=headers,
                     params={"type": "notebook", "content": 1}, timeout=60)
    assert r.ok, f"{chapter}: the server refused to open it as a notebook ({r.status_code}: {r.text[:300]})"
    model = r.json()
    assert model["type"] == "notebook" and model["format"] == "json"
    cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    assert len(cells) >= 5, f"{chapter}: only {len(cells)} code cells"
    source = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]
    _run_in_kernel(base, token, headers, source, str(Path(ROOT / "chapters")))
