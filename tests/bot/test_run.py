"""`ocop-bot run` with no tokens: serves the web chat, runs the workers, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_serves_chat_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
           "OCOP_PORT": str(port), "OCOP_SECRET_KEY": "test-secret-key-for-run"}
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_APP_ID"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        health = None
        for _ in range(150):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None and health.status_code == 200
        assert set(health.json()["components"]) >= {"webchat", "delivery", "scheduler"}
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30.0) as visitor, ThreadPoolExecutor(1) as pool:
            page = visitor.get("/chat")
            assert page.status_code == 200 and "Trợ lý OCOP" in page.text
            # An open page's long-poll, as chat.js holds it: the stop answers it (empty)
            # instead of waiting out the graceful shutdown and then cutting it.
            poll = pool.submit(visitor.get, "/chat/api/messages",
                               params={"after": 0, "wait": 25},
                               headers={"sec-fetch-site": "same-origin"})
            time.sleep(1.0)
            assert not poll.done()
            proc.send_signal(signal.SIGTERM)
            answered = poll.result(timeout=30)
        assert answered.status_code == 200 and answered.json()["messages"] == []
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, out  # a clean stop: the database was closed too
    assert "Application shutdown complete" in out
    assert "Exception in ASGI application" not in out, out
    assert "timeout graceful shutdown exceeded" not in out, out
    assert f"http://127.0.0.1:{port}/chat" in out
