"""The ``studio`` command: serve, edge, demo, create-user, screen, import-board, import-categories,
backup, restore, audit verify, purge, train-routing, suggest."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import uvicorn

from studio.accounts import directory
from studio.clock import Clock
from studio.errors import ApiError
from studio.logs import log_config
from studio.settings import Settings, load_settings
from studio.store.database import Database

if TYPE_CHECKING:
    from studio.cli.demo import Demo

WS_HARD_LIMIT_BYTES = 1024 * 1024
"""Frames over this are refused by the server itself (close 1009); smaller ones
over the app's frame limit get an ``error`` frame."""


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH",
                        help="SQLite file (default: STUDIO_DB, else studio.db)")


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    add_store_option(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--broadcast", metavar="URL",
                        help="broadcast backend (default: STUDIO_BROADCAST, else memory://)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes sharing the port, the store and Redis "
                             "(default: STUDIO_WORKERS, else 1; more than 1 needs --broadcast redis://…)")


def settings_from(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    changes: dict[str, object] = {}
    if getattr(args, "db", None):
        changes["db_path"] = args.db
    if getattr(args, "broadcast", None):
        changes["broadcast_url"] = args.broadcast
    if getattr(args, "workers", None):
        changes["workers"] = args.workers
    return settings.with_overrides(**changes) if changes else settings


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve in this process, or in ``settings.workers`` processes sharing one listening socket.

    Workers load their settings from the environment, so the command-line
    choices are passed down as ``STUDIO_*`` variables; uvicorn restarts a worker
    that dies.
    """
    from studio.app import create_app
    from studio.live.arrivals import PacedHttpProtocol
    from studio.live.protocol import StudioWebSocketProtocol

    app: object = create_app(settings)
    workers = None
    if settings.workers > 1:
        if settings.broadcast_url.startswith("memory:"):
            raise SystemExit("--workers above 1 needs a shared broadcast: --broadcast redis://HOST:PORT")
        os.environ.update(STUDIO_DB=settings.db_path, STUDIO_BROADCAST=settings.broadcast_url)
        app, workers = "studio.app:create_app", settings.workers
    uvicorn.run(
        app,  # type: ignore[arg-type]
        factory=workers is not None,
        workers=workers,
        host=host,
        port=port,
        http=PacedHttpProtocol,
        ws=StudioWebSocketProtocol,
        ws_max_size=WS_HARD_LIMIT_BYTES,
        ws_per_message_deflate=False,
        ws_ping_interval=None,  # clients ping (static/live.js); idle viewers cost no timers
        proxy_headers=True,
        log_level=settings.log_level,
        log_config=log_config(settings.log_format, settings.log_level),
    )


def serve_edge(settings: Settings, host: str, port: int) -> None:
    """An audience-only edge: needs a Redis broadcast shared with the owner, no store."""
    from studio.live.arrivals import PacedHttpProtocol
    from studio.live.edge import create_edge_app
    from studio.live.protocol import StudioWebSocketProtocol

    if settings.broadcast_url.startswith("memory:"):
        raise SystemExit("an edge needs the owner's Redis: --broadcast redis://HOST:PORT")
    app: object = create_edge_app(settings)
    workers = None
    if settings.workers > 1:
        os.environ.update(STUDIO_BROADCAST=settings.broadcast_url)
        app, workers = "studio.live.edge:create_edge_app", settings.workers
    uvicorn.run(app, factory=workers is not None, workers=workers, host=host, port=port,  # type: ignore[arg-type]
                http=PacedHttpProtocol, ws=StudioWebSocketProtocol, ws_max_size=WS_HARD_LIMIT_BYTES,
                ws_per_message_deflate=False, ws_ping_interval=None, proxy_headers=True,
                log_level=settings.log_level, log_config=log_config(settings.log_format, settings.log_level))


async def seed_demo(settings: Settings) -> Demo:
    from studio.cli.demo import prepare
    from studio.store.media import Media

    db = Database(settings.db_path)
    await db.open()
    media = Media(settings.media_path())
    media.open()
    try:
        return await prepare(db, Clock(settings.timezone), media)
    finally:
        await db.close()


def demo(args: argparse.Namespace) -> int:
    """Seed (or bring up to now) the demo store and serve it; ``--reset`` removes a demo store first."""
    from studio.cli.demo import describe, reset

    settings = settings_from(args)
    if args.reset and not reset(settings.db_path, settings.media_path()):
        print(f"错误：{settings.db_path} 不是演示库，--reset 不会删除它。", file=sys.stderr)
        return 2
    found = asyncio.run(seed_demo(settings))
    print(f"演示数据库：{settings.db_path}")
    if found.passwords:
        print("工作人员账号（用户名 / 密码）：")
        for username, password in found.passwords.items():
            print(f"  {username:10} {password}")
    else:
        print("数据库已有数据（不是演示库），未写入演示内容。")
    if found.moved is not None:
        print(f"演示数据的时间已整体{describe(found.moved)}，直播场次正在进行。"
              "要重新生成演示数据：studio demo --reset（scripts/demo --reset）。")
    base = f"http://{args.host}:{args.port}"
    print(f"观众页：{base}/events/xiaozhao-2026   工作台：{base}/studio/   通知发件箱：{base}/studio/notifications")
    sys.stdout.flush()
    serve(settings, args.host, args.port)
    return 0


async def _create_user(settings: Settings, args: argparse.Namespace, password: str) -> None:
    db = Database(settings.db_path)
    await db.open()
    try:
        clock = Clock(settings.timezone)
        await directory.create_staff(db, username=args.username, password=password, role=args.role,
                                    unit=args.unit, display_name=args.display_name,
                                    title=args.title or "", at=clock.stamp())
    finally:
        await db.close()


def create_user(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass("密码：")
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        asyncio.run(_create_user(settings_from(args), args, password))
    except ApiError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    print(f"已创建 {args.role} 账号 {args.username}")
    return 0


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from studio.board.categories import load_taxonomy, read_taxonomy
    from studio.board.importer import import_board, read_records

    db = Database(settings.db_path)
    await db.open()
    try:
        clock = Clock(settings.timezone)
        taxonomy = getattr(args, "taxonomy", None) or (args.file if args.command == "import-categories" else None)
        if taxonomy:
            paths = read_taxonomy(Path(taxonomy))
            async with db.write() as tx:
                created = await load_taxonomy(tx, paths)
            print(f"分类：读取 {len(paths)} 条路径，新增 {created} 个分类")
        if args.command == "import-categories":
            return 0
        failed = False
        for name in args.files:
            records = read_records(Path(name))
            with tqdm(total=len(records), unit="条", desc=Path(name).name, disable=None) as bar:
                report = await import_board(db, clock, records, source=args.source,
                                            default_unit=args.unit, progress=bar.update)
            print(f"{Path(name).name} 导入完成：新增留言 {report.created} 条，补充答复 {report.replies_added} 条，"
                  f"已存在未变 {report.unchanged} 条，失败 {len(report.failed)} 条；"
                  f"新建单位 {report.units_created} 个，新建分类 {report.categories_created} 个")
            for number, reason in report.failed[:20]:
                print(f"  {Path(name).name} 第 {number} 条：{reason}", file=sys.stderr)
            failed = failed or bool(report.failed)
    finally:
        await db.close()
    return 1 if failed else 0


def import_command(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_import(settings_from(args), args))
    except (ApiError, OSError, ValueError) as exc:
        print(f"错误：{getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2


def backup_command(args: argparse.Namespace) -> int:
    """``studio backup DEST`` / ``studio restore BACKUP``: a message and 0, or the refusal and 1."""
    from studio.store import backup

    settings = settings_from(args)
    db_path, media = settings.db_path, settings.media_path()
    try:
        if args.command == "backup":
            size = backup.backup(db_path, args.destination, media)
            print(f"backed up {db_path} and {media} to {args.destination}(.media) ({size} bytes, integrity_check ok)")
        else:
            backup.restore(args.source, db_path, media)
            print(f"restored {args.source} to {db_path} (integrity_check ok)")
    except backup.BackupError as error:
        print(f"studio {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="网络问政 · 在线访谈 live Q&A studio")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the server")
    add_serve_options(serve_parser)
    edge_parser = commands.add_parser(
        "edge", help="serve the audience feed (live, resume, ask, +1) from Redis only, without the store")
    edge_parser.add_argument("--host", default="127.0.0.1")
    edge_parser.add_argument("--port", type=int, default=8000)
    edge_parser.add_argument("--broadcast", metavar="URL", help="the owner's Redis (default: STUDIO_BROADCAST)")
    edge_parser.add_argument("--workers", type=int, metavar="N", help="worker processes (default 1)")
    demo_parser = commands.add_parser(
        "demo", help="seed a demo (units, staff, a live event) and serve it; an existing demo is moved to now")
    add_serve_options(demo_parser)
    demo_parser.add_argument("--reset", action="store_true",
                             help="remove the demo store first and seed it afresh (refused for other stores)")
    user_parser = commands.add_parser("create-user", help="create a staff account (password on stdin)")
    add_store_option(user_parser)
    user_parser.add_argument("username")
    user_parser.add_argument("--role", required=True, choices=["admin", "moderator", "official", "supervisor"])
    user_parser.add_argument("--unit", help="unit name or id (required for officials)")
    user_parser.add_argument("--display-name")
    user_parser.add_argument("--title", help="job title shown to the audience, e.g. 局长")
    screen_parser = commands.add_parser(
        "screen", help="screen texts (one per line, plain or JSON with text) with the store's lexicon")
    add_store_option(screen_parser)
    screen_parser.add_argument("file", nargs="?", help="input file (default: standard input)")
    board_parser = commands.add_parser(
        "import-board", help="import an existing board archive (.jsonl, .csv, .xlsx), idempotently")
    add_store_option(board_parser)
    board_parser.add_argument("files", nargs="+", metavar="FILE")
    board_parser.add_argument("--taxonomy", metavar="CSV", help="load this category tree first")
    board_parser.add_argument("--source", default="archive",
                              help="name of the archive: records are keyed SOURCE:id (default: archive)")
    board_parser.add_argument("--unit", help="unit (by name, created if missing) for records without one")
    categories_parser = commands.add_parser(
        "import-categories", help="load a category tree CSV (level1,level2,level3), idempotently")
    add_store_option(categories_parser)
    categories_parser.add_argument("file")
    backup_parser = commands.add_parser(
        "backup", help="take a consistent copy of the store while the server runs")
    add_store_option(backup_parser)
    backup_parser.add_argument("destination", metavar="DEST", help="a new file for the copy")
    restore_parser = commands.add_parser(
        "restore", help="put a backup in place of the store (stop the server first)")
    add_store_option(restore_parser)
    restore_parser.add_argument("source", metavar="BACKUP")
    from studio.cli import trust

    trust.add_parsers(commands, add_store_option)
    train_parser = commands.add_parser(
        "train-routing", help="train the routing suggestion model on the store's categorised cases")
    add_store_option(train_parser)
    suggest_parser = commands.add_parser(
        "suggest", help="suggest categories and units for JSON Lines of {title, text}")
    add_store_option(suggest_parser)
    suggest_parser.add_argument("file", nargs="?", help="input file (default: standard input)")
    digest_parser = commands.add_parser(
        "notify-digest", help="queue the units' daily digest of cases due soon and overdue, and send it now")
    add_store_option(digest_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        serve(settings_from(args), args.host, args.port)
        return 0
    if args.command == "edge":
        serve_edge(settings_from(args), args.host, args.port)
        return 0
    if args.command == "demo":
        return demo(args)
    if args.command == "create-user":
        return create_user(args)
    if args.command == "screen":
        from studio.cli import screen

        return screen.run(settings_from(args), args.file)
    if args.command in ("import-board", "import-categories"):
        return import_command(args)
    if args.command in ("backup", "restore"):
        return backup_command(args)
    if args.command in ("audit", "purge"):
        from studio.cli import trust

        return trust.run(settings_from(args), args)
    if args.command in ("train-routing", "suggest"):
        from studio.cli import routing

        settings = settings_from(args)
        if args.command == "suggest":
            return routing.suggest_command(settings, args.file)
        return routing.train_command(settings, Clock(settings.timezone).stamp())
    if args.command == "notify-digest":
        from studio.cli import notify

        return notify.digest_command(settings_from(args))
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
