"""``studio audit verify`` and ``studio purge``: checking the audit chain, purging personal data."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from studio.accounts.privacy import purge
from studio.auditchain import check_head
from studio.clock import Clock
from studio.settings import Settings
from studio.store import audit
from studio.store.database import Database
from studio.store.media import Media

PURGED = {"questions": "问题（地址、观众标识）", "submissions": "留言（地址）",
          "votes": "同问（投票人标识）", "supports": "留言板同问（同问人标识）",
          "sessions": "已过期的工作人员会话", "contacts": "网友联系方式（诉求办结后）",
          "photos": "上传后未随内容提交的照片"}


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                add_store_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """The ``audit`` and ``purge`` subcommands."""
    audit_parser = commands.add_parser("audit", help="the tamper-evident audit log")
    audit_commands = audit_parser.add_subparsers(dest="audit_command", required=True)
    verify_parser = audit_commands.add_parser(
        "verify", help="walk the audit chain; exit 0 when intact, 1 naming the first entry that is not")
    add_store_option(verify_parser)
    verify_parser.add_argument("--against", metavar="HEAD_HASH",
                               help="also check that a head saved earlier is still in the chain")
    purge_parser = commands.add_parser(
        "purge", help="blank or remove personal data past STUDIO_ADDRESS_RETENTION_DAYS, and say what")
    add_store_option(purge_parser)
    purge_parser.add_argument("--days", type=int, metavar="N",
                              help="retention in days (default: STUDIO_ADDRESS_RETENTION_DAYS)")


async def _verify(settings: Settings, against: str | None) -> int:
    db = Database(settings.db_path)
    await db.open()
    try:
        async with db.read() as conn:
            verdict = await audit.verify(conn)
    finally:
        await db.close()
    if verdict.broken is not None:
        print(f"审计链断裂：{verdict.broken.message}（{verdict.broken.kind}）；"
              f"此前 {verdict.entries} 条完好。", file=sys.stderr)
        return 1
    if against is not None:
        problem = check_head(verdict, against)
        if problem is not None:
            print(f"审计链与保存的链头不符：{problem}", file=sys.stderr)
            return 1
    print(f"审计链完好：共 {verdict.entries} 条，链头第 {verdict.head.entry} 条 · SHA-256 {verdict.head.hash}"
          + ("；包含保存的链头。" if against is not None else ""))
    return 0


async def _purge(settings: Settings, days: int) -> int:
    db = Database(settings.db_path)
    await db.open()
    try:
        counts = await purge(db, Clock(settings.timezone), days, settings.contact_retention_days,
                             Media(settings.media_path()))
    finally:
        await db.close()
    print(f"已清除保存超过 {days} 天的个人信息：")
    for key, label in PURGED.items():
        print(f"  {label}：{counts.get(key, 0)} 条")
    return 0


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run ``audit verify`` or ``purge``; a store that does not exist is an error (2), not created."""
    if not Path(settings.db_path).exists():
        print(f"错误：没有数据库 {settings.db_path}", file=sys.stderr)
        return 2
    if args.command == "audit":
        return asyncio.run(_verify(settings, args.against))
    days = args.days if args.days is not None else settings.address_retention_days
    return asyncio.run(_purge(settings, days))
