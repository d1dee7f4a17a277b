"""Start-up as a whole process: `ocop-bot run` to its first /healthz 200, `ocop-bot ask "x"`.

Usage: python bench/startup.py [--runs 5] [--write]
Each variant runs in its own fresh process, interleaved with its floors in the same round:
`python -c pass` (the interpreter) and `python -c "import starlette, sqlalchemy"` (the two
libraries every command of the bot needs). "cold cache" deletes the compiled knowledge before
the run (the first start after a content change); "warm" keeps the file the previous run wrote.
`run` first start: a new empty SQLite database (migrations, knowledge seeding and the shipped
handout indexed); restart: the database the previous run left.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import free_port, machine, median, today, write_section

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent


def _env(work: Path, port: int = 0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{work}/ocop.db",
        OCOP_CACHE_DIR=str(work / "cache"),
        OCOP_SECRET_KEY="bench",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if port:
        env["OCOP_PORT"] = str(port)
    return env


def _timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _run_to_healthz(work: Path, new_database: bool) -> float:
    """Seconds from spawning `ocop-bot run` to the first 200 from /healthz."""
    port = free_port()
    db = work / "ocop.db"
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if new_database else ():
        path.unlink(missing_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "-m", "bot.cli", "run"],
        env=_env(work, port),
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"ocop-bot run exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _variants(work: Path) -> dict[str, Callable[[], float]]:
    env = _env(work)
    cache = work / "cache"

    def cold(run: Callable[[], float]) -> Callable[[], float]:
        def go() -> float:
            shutil.rmtree(cache, ignore_errors=True)
            return run()

        return go

    def ask() -> float:
        return _timed([PYTHON, "-m", "bot.cli", "ask", "x"], env, work)

    def first() -> float:
        return _run_to_healthz(work, new_database=True)

    def restart() -> float:
        return _run_to_healthz(work, new_database=False)

    return {
        "floor: `python -c pass`": lambda: _timed([PYTHON, "-c", "pass"], env, work),
        'floor: `python -c "import starlette, sqlalchemy"`': lambda: _timed(
            [PYTHON, "-c", "import starlette, sqlalchemy"], env, work
        ),
        '`ocop-bot ask "x"`, cold cache': cold(ask),
        '`ocop-bot ask "x"`, warm cache': ask,
        "`ocop-bot run` to /healthz 200, first start (new database, cold cache)": cold(first),
        "`ocop-bot run` to /healthz 200, restart, cold cache (content changed)": cold(restart),
        "`ocop-bot run` to /healthz 200, restart, warm cache": restart,
    }


def main() -> None:
    """Run every variant `--runs` times, interleaved; print (and optionally write) the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ocop-startup-"))
    variants = _variants(work)
    times: dict[str, list[float]] = {name: [] for name in variants}
    try:
        for go in variants.values():  # one round unmeasured: the OS file cache warms up
            go()
        for _ in range(args.runs):
            for name, go in variants.items():
                times[name].append(go())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = median(times['floor: `python -c "import starlette, sqlalchemy"`'])
    load = os.getloadavg()[0]
    lines = [
        "## Start-up (`bench/startup.py`)",
        "",
        f"Machine: {machine()}. Date: {today()}. Whole processes, each variant in its own, "
        f"interleaved; median of {args.runs} runs (load average {load:.1f} at the end; this "
        "machine's speed differs from day to day, so read the ratios). `run`: SQLite, no "
        "channel tokens. Cold cache: the compiled knowledge deleted first. First start: a new "
        "empty database (migrations, seeding the knowledge records, indexing the shipped handout); "
        "restart: the database the previous run left.",
        "",
        "| command | seconds (median) | min | max | ÷ import floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in times.items():
        lines.append(
            f"| {name} | {median(values):.2f} | {min(values):.2f} | {max(values):.2f} | "
            f"{median(values) / floor:.1f}× |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section("startup", table)


if __name__ == "__main__":
    main()
