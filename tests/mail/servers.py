"""SMTP servers for the mail tests, all on 127.0.0.1: a real one (aiosmtpd, in its own
thread) and a minimal one in the test's own event loop that can hang where a broken
server hangs (no greeting; no answer after DATA) or run a step before it answers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Awaitable, Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Literal

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Collector:
    """aiosmtpd handler: every message accepted, in the order it arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._raw: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self._raw.append(bytes(envelope.content))
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            raw = list(self._raw)
        return [message_from_bytes(data, _class=EmailMessage, policy=policy.default) for data in raw]

    @property
    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


class RealSmtp:
    """aiosmtpd on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.collector = Collector()
        self._controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> RealSmtp:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


class LoopSmtp:
    """A minimal SMTP server in the running loop. ``hang="greeting"``: accepts the TCP
    connection and never says a word; ``hang="data"``: takes the whole message after DATA
    and never answers; ``before_reply``: awaited with the message before its 250."""

    def __init__(
        self,
        hang: Literal["greeting", "data"] | None = None,
        before_reply: Callable[[bytes], Awaitable[None]] | None = None,
    ) -> None:
        self.hang = hang
        self.before_reply = before_reply
        self.connections = 0
        self.connected = asyncio.Event()
        self.data_received = asyncio.Event()
        self.messages: list[bytes] = []
        self._release = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> LoopSmtp:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._release.set()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        self.connected.set()
        try:
            if self.hang == "greeting":
                await self._release.wait()
                return
            await self._say(writer, b"220 loop ESMTP")
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    await self._say(writer, b"250-loop\r\n250 8BITMIME")
                elif verb == b"DATA":
                    await self._say(writer, b"354 end with <CRLF>.<CRLF>")
                    body = bytearray()
                    while (chunk := await reader.readline()) not in (b".\r\n", b""):
                        body += chunk
                    self.data_received.set()
                    if self.hang == "data":
                        await self._release.wait()
                        return
                    if self.before_reply is not None:
                        await self.before_reply(bytes(body))
                    self.messages.append(bytes(body))
                    await self._say(writer, b"250 queued")
                elif verb == b"RCPT" and b"tolak" in line:
                    await self._say(writer, b"550 no such mailbox")
                elif verb == b"QUIT":
                    await self._say(writer, b"221 bye")
                    return
                else:
                    await self._say(writer, b"250 OK")
        except ConnectionError:
            return
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    @staticmethod
    async def _say(writer: asyncio.StreamWriter, line: bytes) -> None:
        writer.write(line + b"\r\n")
        await writer.drain()
