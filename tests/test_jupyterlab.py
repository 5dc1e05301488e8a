"""A notebook executed through a real JupyterLab server, as a user's browser would run it.

The fixture starts ``python -m jupyterlab`` (no browser, a free port, a random token, a temporary
root folder holding a copy of ``corpus/seed``) and waits for ``/api/status``. The test checks that
``/lab`` serves the JupyterLab page with the ipywidgets extension, saves a notebook through the
contents API, starts a kernel for it through the sessions API and runs its cells over the kernel's
websocket (``/api/kernels/<id>/channels``, the Jupyter messaging protocol: ``execute_request`` on
the shell channel, outputs from iopub until the kernel is idle), saves the executed notebook
through the server and reads it back, then checks what the cells show: progress bars as widgets
(no ``TqdmWarning: IProgress not found``), the documents table's summary, and the concordance's
HTML table with the keyword centred and bold between its contexts.

Nothing is downloaded: the server's update check, news feed and PyPI extension manager are off,
and no browser is used. The server and its kernels are shut down in the fixture's finalizer,
whatever the test did.
"""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
#: Seconds the server may take to answer /api/status, and a cell to run.
START_TIMEOUT = 60
CELL_TIMEOUT = 120

NOTEBOOK = "work/kwic_display.ipynb"
CELLS = [
    "import toolkit\n"
    "docs = toolkit.read_corpus('../corpus/seed', progress=True)",
    "docs",
    "sents = toolkit.sentences(docs, progress=True)",
    "toolkit.kwic(docs, 'threat*')",
]
READ, DOCS, SENTENCES, KWIC = range(len(CELLS))


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc; the kernels run in their own sessions,
    so killing the server's process group does not reach them)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lab:
    """A running JupyterLab server: its address, token, root folder and log."""

    def __init__(self, proc: subprocess.Popen, port: int, token: str, root: Path, log: Path):
        self.proc, self.port, self.token, self.root, self.log = proc, port, token, root, log
        self.url = f"http://127.0.0.1:{port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no log)"

    def request(self, method: str, path: str, body: object = None, *, timeout: float = 30,
                raw: bool = False):
        """One REST call with the token; the decoded JSON answer (or the body, ``raw=True``)."""
        # the test's own server on the loopback interface: nothing leaves the machine
        data = None if body is None else json.dumps(body).encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers={
                "Authorization": f"token {self.token}", "Content-Type": "application/json"})
            resp = conn.getresponse()
            text = resp.read().decode(errors="replace")
        finally:
            conn.close()
        if resp.status >= 400:
            raise AssertionError(f"{method} {path} answered {resp.status}: {text[:2000]}\n"
                                 f"--- server log ---\n{self.log_text()[-6000:]}")
        return text if raw else (json.loads(text) if text.strip() else None)

    def shutdown(self) -> None:
        """Stop the server and every process it started (kernels), and wait for them."""
        kids = _children(self.proc.pid)
        if self.proc.poll() is None:
            try:  # graceful: the server shuts its kernels down and exits
                self.request("POST", "/api/shutdown", timeout=5)
                self.proc.wait(timeout=15)
            except (AssertionError, OSError, subprocess.TimeoutExpired):
                pass
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if self.proc.poll() is not None:
                break
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(timeout=wait)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        for pid in kids:  # a kernel left behind (it runs in its own process group)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if not _alive(pid):
                    break
                try:
                    os.killpg(pid, sig)
                except (ProcessLookupError, PermissionError):
                    break
                deadline = time.monotonic() + 5
                while _alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.1)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    shutil.copytree(ROOT / "corpus" / "seed", root / "corpus" / "seed")
    (root / "work").mkdir()
    for d in ("config", "data", "runtime"):
        (base / d).mkdir()
    env = {**os.environ,
           # the server reads no user configuration, user kernelspecs or settings and writes its
           # runtime files here; the kernel is the venv's Python (the native python3 kernel)
           "JUPYTER_CONFIG_DIR": str(base / "config"),
           "JUPYTER_DATA_DIR": str(base / "data"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
           "JUPYTER_PLATFORM_DIRS": "1",
           "PYTHONUNBUFFERED": "1"}
    port, token = _free_port(), secrets.token_hex(24)
    log = base / "server.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.news_url=None", "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=root, env=env, start_new_session=True)
    server = Lab(proc, port, token, root, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with code {proc.returncode} before answering "
                            f"/api/status\ncommand: {cmd}\n--- server log ---\n"
                            f"{server.log_text()}")
            try:
                status = server.request("GET", "/api/status", timeout=2)
                break
            except (AssertionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer /api/status on port {port} within "
                                f"{START_TIMEOUT} s\ncommand: {cmd}\n--- server log ---\n"
                                f"{server.log_text()}")
                time.sleep(0.25)
        assert "started" in status, status
        yield server
    finally:
        server.shutdown()


# --------------------------------------------------------------------------------------------
# Running cells over the kernel websocket
# --------------------------------------------------------------------------------------------

def _execute_request(code: str, session: str) -> dict:
    msg_id = uuid.uuid4().hex
    return {
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                   "username": "test", "version": "5.3",
                   "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }


async def _run_cells(lab: Lab, kernel_id: str, sources: list[str]) -> list[tuple[int, list]]:
    """``(execution_count, outputs)`` of each cell, outputs as nbformat output dicts."""
    session = uuid.uuid4().hex
    req = HTTPRequest(f"ws://127.0.0.1:{lab.port}/api/kernels/{kernel_id}/channels"
                      f"?session_id={session}",
                      headers={"Authorization": f"token {lab.token}"}, connect_timeout=30)
    conn = await websocket_connect(req)
    results = []
    try:
        for code in sources:
            msg = _execute_request(code, session)
            msg_id = msg["header"]["msg_id"]
            await conn.write_message(json.dumps(msg))
            outputs: list = []
            clear_on_next = False
            reply, idle = None, False
            deadline = time.monotonic() + CELL_TIMEOUT
            while reply is None or not idle:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"cell did not finish in {CELL_TIMEOUT} s:\n{code}\n"
                                         f"outputs so far: {outputs}\n--- server log ---\n"
                                         f"{lab.log_text()[-6000:]}")
                raw = await asyncio.wait_for(conn.read_message(), timeout=left)
                if raw is None:
                    raise AssertionError(f"the kernel websocket closed while running:\n{code}\n"
                                         f"--- server log ---\n{lab.log_text()[-6000:]}")
                if isinstance(raw, bytes):  # binary frames carry comm buffers, not outputs
                    continue
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = m["header"]["msg_type"]
                if m["channel"] == "shell" and kind == "execute_reply":
                    reply = m["content"]
                elif m["channel"] != "iopub":
                    continue
                elif kind == "status":
                    idle = m["content"]["execution_state"] == "idle"
                elif kind == "clear_output":
                    if m["content"].get("wait"):
                        clear_on_next = True
                    else:
                        outputs.clear()
                elif kind in ("stream", "display_data", "execute_result", "error"):
                    if clear_on_next:
                        outputs.clear()
                        clear_on_next = False
                    outputs.append(nbformat.v4.output_from_msg(m))
            results.append((reply.get("execution_count"), outputs))
    finally:
        conn.close()
    return results


def _texts(outputs: list) -> str:
    parts = []
    for o in outputs:
        parts.append(o.get("text", ""))
        parts.extend(str(v) for v in o.get("data", {}).values())
        parts.extend([o.get("ename", ""), o.get("evalue", ""), *o.get("traceback", [])])
    return "\n".join(parts)


def _html(outputs: list) -> str:
    found = [o["data"]["text/html"] for o in outputs
             if o.get("output_type") in ("execute_result", "display_data")
             and "text/html" in o.get("data", {})]
    assert found, f"no text/html output in {outputs}"
    return found[-1]


# --------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------

def test_a_notebook_run_through_jupyterlab_shows_widgets_summary_and_concordance(lab):
    # /lab serves the JupyterLab page, with the ipywidgets extension that renders the widgets
    page = lab.request("GET", "/lab", raw=True)
    assert "JupyterLab" in page, page[:2000]
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">'
                                  r"(.*?)</script>", page, re.S).group(1))
    extensions = {e["name"] for e in config.get("federated_extensions", [])}
    assert "@jupyter-widgets/jupyterlab-manager" in extensions, sorted(extensions)

    # the notebook is saved through the server and read back from it
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    lab.request("PUT", f"/api/contents/{NOTEBOOK}",
                {"type": "notebook", "format": "json", "content": nb})
    stored = lab.request("GET", f"/api/contents/{NOTEBOOK}?content=1")
    sources = [c["source"] for c in stored["content"]["cells"]]
    assert sources == CELLS

    # a kernel session for it, and its cells run over the kernel websocket
    session = lab.request("POST", "/api/sessions", {
        "path": NOTEBOOK, "type": "notebook", "name": Path(NOTEBOOK).name,
        "kernel": {"name": "python3"}})
    kernel_id = session["kernel"]["id"]
    try:
        results = asyncio.run(_run_cells(lab, kernel_id, sources))
    finally:
        lab.request("DELETE", f"/api/sessions/{session['id']}")

    executed = nbformat.from_dict(stored["content"])
    for cell, (count, outputs) in zip(executed.cells, results):
        cell.execution_count, cell.outputs = count, outputs
    nbformat.validate(executed)
    lab.request("PUT", f"/api/contents/{NOTEBOOK}",
                {"type": "notebook", "format": "json", "content": executed})
    saved = lab.request("GET", f"/api/contents/{NOTEBOOK}?content=1")["content"]
    on_disk = nbformat.read(lab.root / NOTEBOOK, as_version=4)
    cells = [c["outputs"] for c in saved["cells"]]
    assert cells == [c["outputs"] for c in on_disk.cells] == [o for _, o in results]
    assert [c["execution_count"] for c in saved["cells"]] == [1, 2, 3, 4]

    for source, outputs in zip(CELLS, cells):
        text = _texts(outputs)
        assert not any(o["output_type"] == "error" for o in outputs), f"{source}\n{text}"
        assert "TqdmWarning" not in text and "IProgress not found" not in text, text

    # progress bars are ipywidgets views (a widget the page renders), not text on stderr
    for i in (READ, SENTENCES):
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for o in cells[i]), cells[i]
        assert not any(o["output_type"] == "stream" and o["name"] == "stderr"
                       for o in cells[i]), cells[i]

    # the documents table shows its summary above the table, text shortened
    docs_html = _html(cells[DOCS])
    assert ("1 document in 1 collection, dated 2025-06-02 to 2025-06-02; "
            "0 files skipped when read (docs.attrs[&quot;skipped&quot;])") in docs_html
    assert re.search(r"<td[^>]*>seed</td><td[^>]*>1</td><td[^>]*>2025-06-02</td>"
                     r"<td[^>]*>2025-06-02</td>", docs_html), docs_html
    assert re.search(r"<td>NATO Secretary General Mark Rutte [^<]*…</td>", docs_html), docs_html

    # the concordance is an HTML table: keyword centred and bold between the aligned contexts
    kwic_html = _html(cells[KWIC])
    assert "<table" in kwic_html and "2 concordance lines" in kwic_html, kwic_html
    row = re.search(r"<td style='[^']*text-align:right'>([^<]*)</td>"
                    r"<td style='([^']*)'>threats</td>"
                    r"<td style='[^']*text-align:left'>([^<]*)</td>", kwic_html)
    assert row, kwic_html
    pre, keyword_style, post = row.groups()
    assert "text-align:center" in keyword_style and "font-weight:bold" in keyword_style
    assert pre.endswith("growing security") and post.startswith("from Russia")
