"""The MLLP sender: one message out, its ACK back, within a deadline.

One sender holds one connection and keeps one message in flight, as HL7 original mode
expects; open several senders for parallel streams. When no ACK comes in time the
connection is closed rather than reused: a late ACK would otherwise be read as the answer
to the next message. The next ``send`` reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Self

from healthbridge.connectors.hl7v2.errors import MllpConnectionError, MllpTimeoutError
from healthbridge.connectors.hl7v2.framing import END_BLOCK, START_BLOCK, MllpDecoder, frame


class MllpSender:
    """An MLLP client for one peer; use ``async with`` or call ``close()``."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        timeout_seconds: float = 30.0,
        connect_timeout_seconds: float = 10.0,
        max_ack_bytes: int = 1_048_576,
        read_size: int = 65_536,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout_seconds = timeout_seconds
        self.connect_timeout_seconds = connect_timeout_seconds
        self._max_ack_bytes = max_ack_bytes
        self._read_size = read_size
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._decoder = MllpDecoder(max_ack_bytes)
        self._pending: list[bytes] = []
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        """Whether a connection is open (it may still be closed by the peer at any time)."""
        return self._writer is not None

    async def connect(self) -> None:
        """Open the connection now rather than on the first ``send``."""
        if self._writer is not None:
            return
        try:
            async with asyncio.timeout(self.connect_timeout_seconds):
                self._reader, self._writer = await asyncio.open_connection(
                    self.host, self.port, limit=self._read_size
                )
        except (TimeoutError, OSError) as error:
            raise MllpConnectionError(
                f"could not connect to the MLLP peer {self.host}:{self.port}",
                details={"host": self.host, "port": self.port, "error_type": type(error).__name__},
            ) from None
        self._decoder = MllpDecoder(self._max_ack_bytes)
        self._pending = []

    async def send(self, message: bytes) -> bytes:
        """Send one message and return the raw ACK frame's content.

        Raises ``MllpTimeoutError`` when no ACK arrives within ``timeout_seconds`` and
        ``MllpConnectionError`` when the peer cannot be reached or closes first; either way
        the connection is closed and the next call reconnects. A message holding an MLLP
        framing byte is a caller bug (``ValueError``): it would corrupt the stream.
        """
        if START_BLOCK in message or END_BLOCK in message:
            raise ValueError("an HL7 message cannot contain the MLLP start or end block byte")
        async with self._lock:
            await self.connect()
            assert self._writer is not None
            try:
                async with asyncio.timeout(self.timeout_seconds):
                    self._writer.write(frame(message))
                    await self._writer.drain()
                    return await self._read_ack()
            except TimeoutError:
                await self.close()
                raise MllpTimeoutError(
                    f"no ACK from {self.host}:{self.port} within {self.timeout_seconds:g} seconds",
                    details={"host": self.host, "port": self.port},
                ) from None
            except (OSError, MllpConnectionError) as error:
                await self.close()
                if isinstance(error, MllpConnectionError):
                    raise
                raise MllpConnectionError(
                    f"the connection to {self.host}:{self.port} failed before the ACK",
                    details={"host": self.host, "port": self.port},
                ) from None

    async def close(self) -> None:
        """Close the connection, if open."""
        writer, self._writer, self._reader = self._writer, None, None
        self._pending = []
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _read_ack(self) -> bytes:
        assert self._reader is not None
        while not self._pending:
            data = await self._reader.read(self._read_size)
            if not data:
                raise MllpConnectionError(
                    f"{self.host}:{self.port} closed the connection before sending an ACK",
                    details={"host": self.host, "port": self.port},
                )
            self._pending.extend(self._decoder.feed(data))
        return self._pending.pop(0)


async def send_message(
    host: str, port: int, message: bytes, *, timeout_seconds: float = 30.0
) -> bytes:
    """Send one message on a fresh connection and return its ACK (see ``MllpSender.send``)."""
    async with MllpSender(host, port, timeout_seconds=timeout_seconds) as sender:
        return await sender.send(message)
