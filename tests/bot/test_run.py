"""`ocop-bot run` with no tokens: serves the web chat, runs the workers, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
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
        page = httpx.get(f"http://127.0.0.1:{port}/chat", timeout=5.0)
        assert page.status_code == 200 and "Trợ lý OCOP" in page.text
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, out  # a clean stop: the database was closed too
    assert "Application shutdown complete" in out
    assert f"http://127.0.0.1:{port}/chat" in out
