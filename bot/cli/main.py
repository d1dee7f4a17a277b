"""The `ocop-bot` command line: run, chat, ask, knowledge, officers, data, db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ocop-bot", description="OCOP assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve every configured channel, the web pages and the workers")
    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default=None, help="who you are (same id continues the chat)")
    chat.add_argument("--lang", choices=("vi", "en"), default=None, help="language to use")
    imp = sub.add_parser("import", help="import officers' data")
    imp.add_argument("kind", choices=("producers",))
    imp.add_argument("file", type=Path, help="CSV or XLSX with a header row")
    exp = sub.add_parser("export", help="export data for officers")
    exp.add_argument("kind", choices=("producers", "products", "dossiers"))
    exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exp.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    know = sub.add_parser("knowledge", help="knowledge content")
    know_sub = know.add_subparsers(dest="knowledge_command", required=True)
    check = know_sub.add_parser("check", help="validate every content file")
    check.add_argument("--root", type=Path, default=None, help="content folder to check")
    kexp = know_sub.add_parser("export", help="write the live knowledge as YAML files")
    kexp.add_argument("--out", type=Path, required=True, help="folder to write")
    kimp = know_sub.add_parser("import", help="load a folder of YAML files (all or nothing)")
    kimp.add_argument("folder", type=Path)
    mat = know_sub.add_parser("add-material", help="add training material the bot can quote")
    mat.add_argument("files", nargs="+", type=Path, metavar="FILE",
                     help="PDF (with text), DOCX, PPTX, HTML, Markdown or TXT")
    mat.add_argument("--title", default=None, help="document title (one FILE only); a known "
                     "title makes the file a new version of that document")
    mat.add_argument("--rule-version", default=None, help='rules it rests on, e.g. "QĐ 148/2023"')
    ask = sub.add_parser("ask", help="answer a question from the FAQ (stdin: one per line)")
    ask.add_argument("question", nargs="?", default=None)
    ask.add_argument("--lang", choices=("vi", "en"), default="vi")
    ask.add_argument("--json", action="store_true")
    flows = sub.add_parser("flows", help="conversation flows")
    flows_sub = flows.add_subparsers(dest="flows_command", required=True)
    diagram = flows_sub.add_parser("diagram", help="Mermaid diagrams of the flows")
    diagram.add_argument("--write", action="store_true", help="write the .mmd files")
    rem = sub.add_parser("reminders", help="reminders")
    rem_sub = rem.add_subparsers(dest="reminders_command", required=True)
    prev = rem_sub.add_parser("preview", help="what would be sent on a day, without sending")
    prev.add_argument("--on", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    prev.add_argument("--json", action="store_true")
    crs = sub.add_parser("courses", help="training courses and their quiz results")
    crs_sub = crs.add_subparsers(dest="courses_command", required=True)
    cc = crs_sub.add_parser("create", help="open a course and print its join code")
    cc.add_argument("name", help='course name, e.g. "OCOP Cà Mau 2026"')
    cc.add_argument("--tags", default="", help="quiz course tags, comma-separated (default: all)")
    cc.add_argument("--days", type=int, default=60, help="how long the join code works")
    cr = crs_sub.add_parser("report", help="participation, average score, hardest questions")
    cr.add_argument("name", help="course name or join code")
    cr.add_argument("--lang", choices=("vi", "en"), default=None)
    zalo = sub.add_parser("zalo", help="the Zalo Official Account")
    zalo_sub = zalo.add_subparsers(dest="zalo_command", required=True)
    zauth = zalo_sub.add_parser("auth", help="authorise the OA (OAuth v4, PKCE), store its tokens")
    zauth.add_argument("--redirect-uri", default=None, help="callback URL (ZALO_REDIRECT_URI)")
    zalo_sub.add_parser("status", help="when the OA's token expires, whether refreshing failed")
    from conversations.officers import role_names as officers

    off = sub.add_parser("officers", help="who may act as an officer")
    off_sub = off.add_subparsers(dest="officers_command", required=True)
    for name, text in (("add", "make a user an officer"), ("remove", "take the role away")):
        cmd = off_sub.add_parser(name, help=text)
        cmd.add_argument("--channel", choices=officers.CHANNELS, required=True)
        cmd.add_argument("--user-id", required=True, help="the user's id on that channel")
    off_sub.choices["add"].add_argument(
        "--role", choices=officers.STAFF, default=officers.OFFICER,
        help="editor: may edit the knowledge only (no broadcasts, no personal data)",
    )
    off_sub.add_parser("list", help="every officer")
    inv = off_sub.add_parser("invite", help='print a one-time code to type as "/canbo CODE"')
    inv.add_argument("--days", type=int, default=7, help="how long the code works")
    pwd = off_sub.add_parser("set-password", help="dashboard password (stdin when not a TTY)")
    pwd.add_argument("name", help="the web officer's user id")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply schema migrations")
    return parser


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The Telegram token is part of the Bot API URL: never log request lines.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)  # it logs SQL parameters
    # bm25s sets its own logger to DEBUG when imported; keep its chatter out of the output.
    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda r: not r.name.startswith("bm25s") or r.levelno >= logging.WARNING)


async def _chat(settings: Settings, user: str, lang: str | None) -> None:
    from bot.channels import terminal
    from bot.runtime import open_runtime
    from conversations.users import set_locale

    async with open_runtime(settings) as runtime:
        if lang:
            async with runtime.sessions() as session, session.begin():
                await set_locale(session, terminal.CHANNEL, user, lang)
        await terminal.chat(runtime.engine, user, lang)


async def _db_upgrade(settings: Settings) -> None:
    from bot.database import create_engine, upgrade

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ocop-bot` console script."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"ocop-bot: {exc}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    if args.command == "run":
        from bot.serve import serve

        asyncio.run(serve(settings))
        return 0
    if args.command == "chat":
        user = getattr(args, "user", None) or getpass.getuser() or "local"
        asyncio.run(_chat(settings, user, getattr(args, "lang", None)))
        return 0
    if args.command == "knowledge" and args.knowledge_command == "add-material":
        from bot.cli.material import add_files

        return asyncio.run(add_files(settings, args.files, args.title, args.rule_version))
    if args.command == "knowledge":
        from bot.cli import knowledge as knowledge_commands

        if args.knowledge_command == "export":
            return asyncio.run(knowledge_commands.export(settings, args.out))
        if args.knowledge_command == "import":
            return asyncio.run(knowledge_commands.import_folder(settings, args.folder))
        return knowledge_commands.check(args.root)
    if args.command == "ask":
        from bot.cli.knowledge import ask
        from bot.knowledge_cache import cache_dir

        return ask(args.question, args.lang, args.json, cache_dir(settings.ocop_cache_dir))
    if args.command == "flows":
        from bot.cli.knowledge import diagrams

        return diagrams(args.write)
    if args.command == "reminders":
        from bot.cli.reminders import preview

        return asyncio.run(preview(settings, args.on, args.json))
    if args.command == "courses":
        from bot.cli import courses as course_commands

        if args.courses_command == "create":
            tags = course_commands.parse_tags(args.tags)
            return asyncio.run(course_commands.create(settings, args.name, tags, args.days))
        return asyncio.run(course_commands.report(settings, args.name, args.lang))
    if args.command == "zalo":
        from bot.cli.zalo import auth, status

        if args.zalo_command == "auth":
            return asyncio.run(auth(settings, args.redirect_uri))
        return asyncio.run(status(settings))
    if args.command == "import":
        from bot.cli.data import import_file

        return asyncio.run(import_file(settings, args.file))
    if args.command == "export":
        from bot.cli.data import export_file

        return asyncio.run(export_file(settings, args.kind, args.format, args.out))
    if args.command == "officers":
        from bot.cli import officers as oc

        if args.officers_command == "add":
            return asyncio.run(oc.add(settings, args.channel, args.user_id, args.role))
        if args.officers_command == "remove":
            return asyncio.run(oc.remove(settings, args.channel, args.user_id))
        if args.officers_command == "invite":
            return asyncio.run(oc.invite(settings, args.days))
        if args.officers_command == "set-password":
            return asyncio.run(oc.set_password(settings, args.name))
        return asyncio.run(oc.list_all(settings))
    if args.command == "db":
        asyncio.run(_db_upgrade(settings))
        print("database schema is up to date")
        return 0
    return 1

