"""A real ``redis-server`` on a free port, with or without persistence, that tests can restart."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from support.servers import free_port


class RedisServer:
    """One redis-server process; ``persist`` keeps an append-only file fsynced on every write."""

    def __init__(self, tmp: Path, persist: bool) -> None:
        self.dir = tmp
        self.persist = persist
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
                "--save", "", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"]
        if self.persist:
            args += ["--appendonly", "yes", "--appendfsync", "always"]
        else:
            args += ["--appendonly", "no"]
        with open(self.dir / "redis.log", "ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(10)
        self.process = None

    def restart(self, down_for: float = 0.0) -> None:
        """Kill (-9) and start again on the same port; without persistence it comes back empty."""
        self.stop()
        time.sleep(down_for)
        self.start()


def available() -> bool:
    return shutil.which("redis-server") is not None or Path("/usr/bin/redis-server").exists()
