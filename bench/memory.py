"""Memory of `ocop-bot run`: RSS idle, at its peak and after 10,000 web chat messages (issue 22).

Usage: python bench/memory.py [--visitors 100] [--messages 100] [--runs 3] [--write]
The bot runs as its own process on SQLite, built exactly as `ocop-bot run` builds it (web chat,
dashboard and workers), with one change: the web chat's per-visitor limits are lifted, or the
load would be refused at 20 messages a minute. Visitors post the engine benchmark's script over
keep-alive connections, each message after the previous one's answer. Floors, measured in the
same run: a bare Python interpreter, and a process that only imports what `ocop-bot run`
imports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import SCRIPT
from bench.keepalive import Client, wait_healthy
from bench.report import free_port, machine, median, rss, today, write_section

MIB = 1024 * 1024
ORIGIN = {"sec-fetch-site": "same-origin"}
IMPORTS = "import bot.serve, bot.cli, bot.channels.webchat, bot.admin.component, knowledge.faq"


def _serve() -> None:
    """The server process: `ocop-bot run`'s components, the web chat's limits lifted."""
    import bot.serve
    from bot.channels.webchat import WebChat
    from bot.channels.webchat.component import Limits
    from bot.runtime import Runtime
    from bot.settings import Settings

    many = 10**6
    limits = Limits(
        per_minute=many, burst=many, address_per_minute=many, address_burst=many,
        new_visitors_per_minute=many, new_visitors_burst=many, polls_per_address=many,
        polls_per_minute=many, polls_burst=many,
    )  # fmt: skip

    class Unlimited(WebChat):
        def __init__(self, runtime: Runtime) -> None:
            super().__init__(runtime, limits=limits)

    bot.serve.WebChat = Unlimited  # type: ignore[misc]
    asyncio.run(bot.serve.serve(Settings()))


async def _floor(code: str) -> float:
    """RSS (MB) of a Python process that runs `code`, then waits."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", f"{code}\nimport sys, time\nprint(flush=True)\ntime.sleep(60)",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    await process.stdout.readline()
    await asyncio.sleep(0.5)
    used = rss(process.pid)
    process.kill()
    await process.wait()
    return used / MIB


async def _load(url: str, visitors: int, messages: int) -> None:
    run = time.monotonic_ns()

    async def visitor(n: int) -> None:
        client = Client(url, dict(ORIGIN))
        await client.request("GET", "/chat")
        for i in range(messages):
            body = {"id": f"m{run}x{n}x{i}", "text": SCRIPT[i % len(SCRIPT)]}
            answer = await client.post_json("/chat/api/messages", body)
            if answer.status != 200:
                raise RuntimeError(f"{answer.status} {answer.body[:200]!r}")
        await client.close()

    await asyncio.gather(*(visitor(n) for n in range(visitors)))


async def _one(visitors: int, messages: int) -> dict[str, float]:
    """One bot process: RSS idle, peak under load, and after the load (MB)."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/ocop.db",
            "OCOP_PORT": str(port),
            "OCOP_SECRET_KEY": "bench-secret-key-bench-secret-key-0123",
            "LOG_LEVEL": "ERROR",
        }
        for name in ("TELEGRAM_BOT_TOKEN", "ZALO_APP_ID", "DATABASE_URL_FILE"):
            env.pop(name, None)
        bot = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", env=env, cwd=folder,
            stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            await wait_healthy(url, within=120)
            await asyncio.sleep(3)  # the workers' first rounds, the index warm
            idle = rss(bot.pid)
            peak = idle
            done = asyncio.Event()

            async def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, rss(bot.pid))
                    await asyncio.sleep(0.05)

            sampler = asyncio.create_task(sample())
            began = time.perf_counter()
            await _load(url, visitors, messages)
            seconds = time.perf_counter() - began
            done.set()
            await sampler
            await asyncio.sleep(3)
            after = rss(bot.pid)
        finally:
            bot.terminate()
            await bot.wait()
    return {
        "idle": idle / MIB,
        "peak": peak / MIB,
        "after": after / MIB,
        "rate": visitors * messages / seconds,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--note", default="", help="a sentence written beside the figures")
    args = parser.parse_args()
    runs, bare, imports = [], [], []
    for n in range(args.runs):
        bare.append(await _floor("pass"))
        imports.append(await _floor(IMPORTS))
        runs.append(await _one(args.visitors, args.messages))
        print(f"run {n + 1}: {runs[-1]} bare {bare[-1]:.0f} imports {imports[-1]:.0f}", flush=True)
    total = args.visitors * args.messages
    figure = {key: median([r[key] for r in runs]) for key in runs[0]}
    lines = [
        "## Memory (`bench/memory.py`)",
        "",
        f"{machine()}, {today()}. `ocop-bot run` (web chat, dashboard, workers; SQLite) in its "
        f"own process; {args.visitors} visitors post {total:,} web chat messages in all (the "
        f"web chat's per-visitor limits lifted); RSS from /proc, median of {args.runs} runs, "
        "floors measured in the same runs. Aim (issue 22): under 150 MB idle and after "
        f"{total:,} messages.",
        "",
        "| process | RSS (MB) |",
        "|---|---:|",
        f"| floor: bare Python interpreter | {median(bare):.0f} |",
        f"| floor: a process importing what `ocop-bot run` imports | {median(imports):.0f} |",
        f"| `ocop-bot run`, idle after start | {figure['idle']:.0f} |",
        f"| `ocop-bot run`, peak during the load | {figure['peak']:.0f} |",
        f"| `ocop-bot run`, after {total:,} messages | {figure['after']:.0f} |",
        "",
        f"The load ran at {figure['rate']:.0f} messages/s.",
    ]
    if args.note:
        lines += ["", args.note]
    markdown = "\n".join(lines)
    print(markdown)
    if args.write:
        write_section("memory", markdown)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        _serve()
    else:
        asyncio.run(main())
