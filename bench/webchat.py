"""Web chat end to end over HTTP beside the in-process engine it wraps, measured in the same run.

Usage: python bench/webchat.py [--users 100] [--messages 10] [--runs 3] [--write]
The web chat (the Starlette app of `ocop-bot run` with only the web chat, under uvicorn with the
same server settings) runs in its own process on SQLite; the visitors post the engine
benchmark's script over keep-alive connections, as many at once as there are users, each
message after the previous one's answer, like the page. Variants, interleaved per repetition:
the engine alone (bench/engine.py's harness, in this process); the web chat; the web chat with
each visitor's page holding its long-poll open meanwhile (woken by new messages, renewed at
once, as chat.js does); and the HTTP floor (an endpoint answering `{"messages": []}` in the
same server). Reported: messages/s, latency, the server's CPU per message, and ratios.
`--profile FILE` writes a cProfile of the server for the web chat variants.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import SCRIPT, _engine_run
from bench.keepalive import Client, wait_healthy
from bench.report import free_port, machine, median, percentile, today, write_section

Result = tuple[float, list[float], float]
"""(messages/s, latencies in seconds, server CPU seconds per message)."""
BROWSER = {"sec-fetch-site": "same-origin", "accept-encoding": "gzip, deflate, br"}


async def _serve(port: int, database: str, var_dir: Path, profile: str) -> None:
    """The server process: the web chat alone, its visitor limits out of the way."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from bot.channels.webchat import WebChat
    from bot.channels.webchat.component import Limits
    from bot.runtime import open_runtime
    from bot.serve import DrainingServer, server_config
    from bot.settings import Settings
    from bot.web.app import create_app

    settings = Settings(
        database_url=database, ocop_port=port, log_level="ERROR", ocop_secret_key="b" * 40
    )
    many = 10**6
    limits = Limits(
        per_minute=many, burst=many, address_per_minute=many, address_burst=many,
        new_visitors_per_minute=many, new_visitors_burst=many, polls_per_address=many,
        polls_per_minute=many, polls_burst=many,
    )  # fmt: skip
    async with open_runtime(settings) as runtime:
        chat = WebChat(runtime, var_dir=var_dir, limits=limits)
        app = create_app(runtime, [chat])

        async def floor(_request: Request) -> JSONResponse:
            return JSONResponse({"messages": []})

        app.router.routes.append(Route("/bench/floor", floor, methods=["POST"]))
        server = DrainingServer(server_config(settings, app), [chat.drain])
        if not profile:
            await server.serve()
            return
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            await server.serve()
        finally:
            profiler.disable()
            profiler.dump_stats(profile)


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _over_http(
    url: str, pid: int, users: int, messages: int, path: str, polls: bool = False,
    offered: float = 0.0,
) -> Result:
    """Every visitor opens the page, then posts the script (timed, with the server's CPU).

    With `offered` (messages/s), the visitors do not post as fast as they are answered but on
    a timetable that spreads `offered` messages a second evenly over them (open loop); each
    message's latency counts from its time on the timetable, so a visitor still waiting for
    an earlier answer is not let off the queueing."""
    latencies: list[float] = []
    run = time.monotonic_ns()
    clients = [Client(url, dict(BROWSER)) for _ in range(users)]
    for client in clients:
        await client.request("GET", "/chat")
    ready = asyncio.Event()

    async def poll(client: Client, last: list[int], tab: str) -> None:
        reader = Client(url, dict(BROWSER), client.cookies)
        try:
            while True:
                query = f"after={last[0]}&wait=25&tab={tab}"
                answer = await reader.request("GET", f"/chat/api/messages?{query}")
                for message in answer.json()["messages"]:
                    last[0] = max(last[0], message["id"])
        finally:
            await reader.close()

    async def visitor(n: int, client: Client) -> None:
        last, tab = [0], f"page{run}x{n}"
        poller = asyncio.create_task(poll(client, last, tab)) if polls else None
        await ready.wait()
        interval = users / offered if offered else 0.0
        for i in range(messages):
            began = time.perf_counter()
            if offered:
                due = started + (i + n / users) * interval
                if due > began:
                    await asyncio.sleep(due - began)
                began = due
            body = {"id": f"b{run}x{n}x{i}", "text": SCRIPT[i % len(SCRIPT)], "tab": tab}
            answer = await client.post_json(path, body)
            latencies.append(time.perf_counter() - began)
            if answer.status != 200:
                raise RuntimeError(f"{path}: {answer.status} {answer.body[:200]!r}")
            for message in answer.json()["messages"]:
                last[0] = max(last[0], message["id"])
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        await client.close()

    tasks = [asyncio.create_task(visitor(n, c)) for n, c in enumerate(clients)]
    await asyncio.sleep(0.5 if polls else 0)  # every page's long-poll is open before posting
    started, cpu = time.perf_counter(), _cpu(pid)  # the visitors' timetable starts here
    ready.set()
    await asyncio.gather(*tasks)
    elapsed, cpu = time.perf_counter() - started, _cpu(pid) - cpu
    return users * messages / elapsed, latencies, cpu / (users * messages)


async def _engine(url: str, users: int, messages: int) -> Result:
    from conversations.i18n import Catalogs

    before = time.process_time()
    rate, latencies = await _engine_run(url, users, messages, Catalogs())
    return rate, latencies, (time.process_time() - before) / (users * messages)


async def _start_server(folder: Path, profile: str) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    args = ["--serve", str(port), f"sqlite:///{folder}/chat.db", str(folder)]
    server = await asyncio.create_subprocess_exec(
        sys.executable, __file__, *args, *(["--profile", profile] if profile else []),
        cwd=folder, stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    await wait_healthy(url)
    return server, url


def _row(label: str, results: list[Result]) -> tuple[str, float, float, float, float]:
    rate = median([r for r, _, _ in results])
    p50 = median([percentile(lat, 50) for _, lat, _ in results]) * 1000
    p99 = median([percentile(lat, 99) for _, lat, _ in results]) * 1000
    cpu = median([c for _, _, c in results]) * 1000
    return label, rate, p50, p99, cpu


ENGINE = "engine in process (bench/engine.py), SQLite"
CHAT = "web chat over HTTP, SQLite"
POLLS = "web chat over HTTP, each page's long-poll open"
FLOOR = "floor: HTTP only (an endpoint answering an empty list)"
OPEN = "web chat over HTTP, a fixed rate offered (open loop)"


async def main() -> None:
    """Run the variants interleaved and print (and optionally write) the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated words of variant names")
    parser.add_argument("--rate", type=float, default=300.0,
                        help="messages/s offered in the open-loop variant")
    parser.add_argument("--profile", default="", help="write the server's cProfile here")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--note", default="", help="a sentence written beside the figures")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message=".*session.exec")
    u, m = args.users, args.messages
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server, url = await _start_server(folder, args.profile)
        pid = server.pid
        variants: dict[str, Callable[[], Awaitable[Result]]] = {
            ENGINE: lambda: _engine(f"sqlite:///{folder}/engine.db", u, m),
            CHAT: lambda: _over_http(url, pid, u, m, "/chat/api/messages"),
            POLLS: lambda: _over_http(url, pid, u, m, "/chat/api/messages", polls=True),
            OPEN: lambda: _over_http(url, pid, u, m, "/chat/api/messages", offered=args.rate),
            FLOOR: lambda: _over_http(url, pid, u, m, "/bench/floor"),
        }
        if args.only:
            wanted = args.only.split(",")
            variants = {k: v for k, v in variants.items() if any(w in k for w in wanted)}
        results: dict[str, list[Result]] = {name: [] for name in variants}
        load = [os.getloadavg()[0]]
        try:
            for _ in range(args.runs):
                for name, run in variants.items():
                    results[name].append(await run())
                    load.append(os.getloadavg()[0])
        finally:
            server.send_signal(signal.SIGINT)
            await server.wait()
    rows = [_row(name, runs) for name, runs in results.items()]
    print(_report(rows, u, m, args.runs, load, args.note, args.rate))
    if args.write:
        write_section("webchat", _report(rows, u, m, args.runs, load, args.note, args.rate))


def _report(
    rows: list[tuple[str, float, float, float, float]],
    users: int,
    messages: int,
    runs: int,
    load: list[float],
    note: str,
    rate: float = 0.0,
) -> str:
    lines = [
        "## Web chat end to end (`bench/webchat.py`)",
        "",
        f"Machine: {machine()}. Date: {today()}. {users} visitors × {messages} messages each "
        f"(the engine benchmark's script), median of {runs} interleaved repetitions; load "
        f"average {min(load):.1f}–{max(load):.1f} during the run. The server's CPU per message "
        "is its process's user + system time over the messages; the engine's is this "
        f"process's. The open-loop variant offers {rate:,.0f} messages/s on a timetable "
        "spread evenly over the visitors and counts each latency from the message's time on "
        f"it (queueing included). {note}",
        "",
        "| path | messages/s | p50 ms | p99 ms | CPU ms / message |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {lb} | {r:,.0f} | {p50:.1f} | {p99:.1f} | {c:.2f} |" for lb, r, p50, p99, c in rows
    ]
    rates = {lb: r for lb, r, *_ in rows}
    cpus = {lb: c for lb, *_, c in rows}
    if ENGINE in rates:
        lines += [
            "",
            "Against the engine in the same run (throughput ÷ engine's; CPU ÷ engine's):",
            "",
        ]
        for label in (CHAT, POLLS, OPEN):
            if label in rates:
                lines.append(
                    f"- {label}: {rates[label] / rates[ENGINE]:.2f}× the engine's rate, "
                    f"{cpus[label] / cpus[ENGINE]:.2f}× its CPU per message"
                )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        port, database, var = sys.argv[2:5]
        profile = sys.argv[6] if len(sys.argv) > 6 and sys.argv[5] == "--profile" else ""
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(int(port), database, Path(var), profile))
    else:
        asyncio.run(main())
