"""Abuse of the HTTP endpoints against `ocop-bot run` on 127.0.0.1, each bounded in time.

Usage: python bench/abuse.py [--seconds 10] [--runs 3] [--pg URL] [--write]
The bot runs as its own process (web chat, dashboard, Zalo against the fake OA server from the
tests). Each scenario runs for `--seconds` (at most 60) while four visitors (in a process of
their own, so the attacker's event loop does not delay them) each send a web-chat message
every 2 s; reported: the bot's peak RSS, the p99 of
those messages, the answers the attackers got, and any 500. Scenarios (issue 21): 1 huge
chunked bodies to /zalo, 2 parallel wrong logins, 3 uploads without and with a session,
4 two thousand long-polls; "idle" is the floor (the probe alone).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.report import free_port, machine, median, percentile, rss, today, write_section
from testbed.raw_http import chunked_post
from testbed.zalo_api import APP_ID, APP_SECRET, OA_SECRET_KEY, FakeZalo

MIB = 1024 * 1024
ORIGIN = {"sec-fetch-site": "same-origin"}
PDF = b"%PDF-1.4\n" + b"0" * 2000
Attack = Callable[[str, float, Counter[str]], Awaitable[None]]


async def _until(deadline: float, work: Callable[[], Awaitable[None]], parallel: int) -> None:
    async def loop() -> None:
        while time.monotonic() < deadline:
            await work()

    await asyncio.gather(*(loop() for _ in range(parallel)))


async def bodies(url: str, seconds: float, seen: Counter[str]) -> None:
    """8 at a time: 64 MiB chunked to /zalo with a made-up signature, no Content-Length."""
    deadline = time.monotonic() + seconds

    async def one() -> None:
        answer = await chunked_post(url, "/zalo", {"x-zevent-signature": "mac=x"}, 64 * MIB)
        seen[str(answer.status)] += 1

    await _until(deadline, one, 8)


async def logins(url: str, seconds: float, seen: Counter[str]) -> None:
    """100 at a time: wrong passwords for one officer name."""
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        page = (await client.get("/admin/login")).text
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        csrf = found.group(1) if found else ""

        async def one() -> None:
            data = {"csrf": csrf, "name": "lan", "password": "wrong-password-123"}
            try:
                seen[str((await client.post("/admin/login", data=data)).status_code)] += 1
            except httpx.HTTPError as error:
                seen[type(error).__name__] += 1

        await _until(deadline, one, 100)


async def uploads(url: str, seconds: float, seen: Counter[str]) -> None:
    """20 at a time: uploads without a cookie, and from one visitor who has written."""
    deadline = time.monotonic() + seconds
    headers = {**ORIGIN, "content-type": "application/pdf", "x-file-name": "a.pdf"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as visitor:
        await visitor.get("/chat")
        await visitor.post("/chat/api/messages", json={"id": "bench-greet", "text": "menu"})

        async def one() -> None:
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as fresh:
                seen[
                    "no-cookie "
                    + str((await fresh.post("/chat/api/uploads", content=PDF)).status_code)
                ] += 1
            answer = await visitor.post("/chat/api/uploads", content=PDF)
            seen["visitor " + str(answer.status_code)] += 1

        await _until(deadline, one, 20)


async def polls(url: str, seconds: float, seen: Counter[str]) -> None:
    """2,000 long-polls (`wait=25`) at once from one visitor, renewed as they return."""
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=2100, max_keepalive_connections=2100)
    async with httpx.AsyncClient(base_url=url, headers=ORIGIN, timeout=60, limits=limits) as c:
        await c.get("/chat")
        await c.post("/chat/api/messages", json={"id": "bench-greet", "text": "menu"})

        async def one() -> None:
            remaining = max(0.0, deadline - time.monotonic())
            try:
                answer = await c.get(
                    f"/chat/api/messages?after=999999999&wait={min(25, remaining):.1f}"
                )
                seen[str(answer.status_code)] += 1
            except httpx.HTTPError as error:
                seen[type(error).__name__] += 1

        await _until(deadline, one, 2000)


async def idle(_url: str, seconds: float, _seen: Counter[str]) -> None:
    """Nothing but the probe: the floor."""
    await asyncio.sleep(seconds)


SCENARIOS: dict[str, Attack] = {
    "idle (floor)": idle,
    "1 chunked bodies": bodies,
    "2 logins": logins,
    "3 uploads": uploads,
    "4 long-polls": polls,
}


PROBES = 4
"""Visitors writing meanwhile, each a message every 2 s (within their 20 a minute)."""


async def _probe_visitors(url: str, seconds: float) -> tuple[list[float], Counter[str]]:
    """The visitors writing meanwhile (run by `--probe` in a process of its own)."""
    latencies: list[float] = []
    seen: Counter[str] = Counter()
    deadline = time.monotonic() + seconds

    async def visitor(v: int) -> None:
        async with httpx.AsyncClient(base_url=url, headers=ORIGIN, timeout=60) as client:
            await client.get("/chat")
            n = 0
            while time.monotonic() < deadline:
                n += 1
                began = time.perf_counter()
                body = {"id": f"probe{v}x{n:06d}{os.getpid()}", "text": "hồ sơ OCOP"}
                answer = await client.post("/chat/api/messages", json=body)
                latencies.append(time.perf_counter() - began)
                seen[f"probe {answer.status_code}"] += 1
                await asyncio.sleep(max(0.0, 2.0 - (time.perf_counter() - began)))

    await asyncio.gather(*(visitor(v) for v in range(PROBES)))
    return latencies, seen


async def _scenario(
    url: str, pid: int, attack: Attack, seconds: float
) -> tuple[float, float, Counter[str]]:
    """(peak RSS MB, probe p99 ms, answers) for one bounded run of `attack`."""
    seen: Counter[str] = Counter()
    stop = asyncio.Event()
    peak = rss(pid)

    async def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss(pid))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    probe = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--probe", url, "--seconds", str(seconds),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(min(60.0, seconds + 30)):
            await attack(url, seconds, seen)
    except TimeoutError:
        seen["bench timeout"] += 1
    out, _ = await probe.communicate()
    measured = json.loads(out)
    latencies = measured["latencies"]
    seen.update(measured["seen"])
    stop.set()
    await sampler
    return peak / MIB, percentile(latencies, 99) * 1000, seen


async def _run(
    database: str | None, seconds: float
) -> dict[str, tuple[float, float, Counter[str]]]:
    """Start the bot once, run every scenario, stop it."""
    results: dict[str, tuple[float, float, Counter[str]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        async with FakeZalo() as zalo:
            port = free_port()
            env = {
                **os.environ,
                "DATABASE_URL": database or f"sqlite:///{folder}/ocop.db",
                "OCOP_PORT": str(port),
                "OCOP_SECRET_KEY": "bench-secret-key-bench-secret-key-0123",
                "LOG_LEVEL": "ERROR",
                "ZALO_APP_ID": APP_ID,
                "ZALO_APP_SECRET": APP_SECRET,
                "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
                "ZALO_ACCESS_TOKEN": zalo.access,
                "ZALO_REFRESH_TOKEN": zalo.refresh,
                "ZALO_API_BASE_URL": zalo.url,
                "ZALO_OAUTH_BASE_URL": zalo.url,
            }
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                env=env,
                cwd=folder,
                stdout=asyncio.subprocess.DEVNULL,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                async with httpx.AsyncClient() as client, asyncio.timeout(120):
                    while True:
                        with contextlib.suppress(httpx.HTTPError):
                            if (await client.get(f"{url}/healthz")).status_code == 200:
                                break
                        await asyncio.sleep(0.2)
                for name, attack in SCENARIOS.items():
                    results[name] = await _scenario(url, bot.pid, attack, seconds)
                    await asyncio.sleep(2)  # let the argon2 threads and sockets settle
            finally:
                bot.send_signal(signal.SIGTERM)
                await bot.wait()
    return results


def _answers(seen: Counter[str]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(seen.items()))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--pg", default=None, help="a PostgreSQL URL (default: SQLite in a temp dir)"
    )
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    seconds = min(60.0, args.seconds)
    if args.probe:  # the visitors' own process: their latencies and answers as JSON
        latencies, seen = await _probe_visitors(args.probe, seconds)
        print(json.dumps({"latencies": latencies, "seen": seen}))
        return
    runs = [await _run(args.pg, seconds) for _ in range(args.runs)]
    lines = [
        f"### Abuse of the HTTP endpoints ({'PostgreSQL' if args.pg else 'SQLite'})",
        "",
        f"{today()}, {machine()}. The machine is shared with other engineers' test runs, so",
        "figures are noisy. `ocop-bot run` in its own process; each scenario runs "
        f"{seconds:.0f} s while {PROBES} visitors (their own process) write every 2 s; "
        f"median of {args.runs} runs "
        "(answers summed). Aims: RSS < 300 MB, chat p99 < 1 s, no 500.",
        "",
        "| scenario | peak RSS (MB) | chat p99 (ms) | answers |",
        "|---|---:|---:|---|",
    ]
    for name in SCENARIOS:
        rss = median([r[name][0] for r in runs])
        p99 = median([r[name][1] for r in runs])
        total: Counter[str] = Counter()
        for r in runs:
            total.update(r[name][2])
        lines.append(f"| {name} | {rss:.0f} | {p99:.0f} | {_answers(total)} |")
    report = "\n".join(lines)
    print(report)
    if args.write:
        write_section("abuse-pg" if args.pg else "abuse", report)


if __name__ == "__main__":
    asyncio.run(main())
