"""The MLLP listener: framed HL7 v2 messages in, one ACK out per message, whatever arrives.

Each connection is served by one task that reads frames and answers them strictly in
order (HL7 original mode is one message, one ACK). Across connections, a semaphore bounds
how many handlers run at once, so a burst of senders queues instead of overwhelming the
service behind the handler. A connection that stays silent past the idle timeout is
closed, and connections beyond the configured maximum are refused at once.

The handler is the seam to the rest of the hub: ``bytes -> Awaitable[bytes]``, the raw
message in, the raw ACK out. It owns parsing, deduplication, storage and mapping. If it
raises, times out or returns nothing, the listener answers for it (AR for unusable
messages, AE otherwise; see ``fallback``) and carries on with the next message. Nothing a
peer sends can stop the listener: every failure ends, at worst, that one connection.

Logs never carry message content: events name the peer, counts, error types and codes.
An exception's own text can quote patient data, so it is not logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import structlog

from healthbridge.connectors.hl7v2.control_ids import ControlIdSequence
from healthbridge.connectors.hl7v2.errors import MllpFrameTooLargeError
from healthbridge.connectors.hl7v2.fallback import failure_ack, oversize_ack, timeout_ack
from healthbridge.connectors.hl7v2.framing import END_BLOCK, START_BLOCK, MllpDecoder, frame
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import HealthbridgeError
from healthbridge.mappings.hl7v2 import hl7_timestamp

log = structlog.get_logger(__name__)

MllpHandler = Callable[[bytes], Awaitable[bytes]]
"""Raw HL7 message in, raw ACK out; may raise (the listener then answers AR/AE itself)."""


@dataclass(frozen=True, slots=True)
class MllpListenerConfig:
    """Where to listen and the limits that keep one peer from hurting the others.

    ``port=0`` binds an ephemeral port (tests); read the real one from ``address``.
    """

    host: str = "127.0.0.1"
    port: int = 2575
    max_message_bytes: int = 1_048_576
    idle_timeout_seconds: float = 300.0
    handler_timeout_seconds: float = 30.0
    max_concurrent_handlers: int = 32
    max_connections: int = 256
    read_size: int = 65_536
    shutdown_grace_seconds: float = 5.0


@dataclass(slots=True)
class ListenerStats:
    """Counters since start; the observability layer exports them as metrics."""

    connections_accepted: int = 0
    connections_refused: int = 0
    connections_idle_closed: int = 0
    messages_received: int = 0
    acks_sent: int = 0
    handler_failures: int = 0
    handler_timeouts: int = 0
    frames_too_large: int = 0
    frames_abandoned: int = 0
    noise_bytes: int = 0


class _Connection:
    """One accepted connection and its idle watchdog.

    The watchdog is one timer per idle period rather than a timeout around every read:
    each read only records the time, which keeps the per-message cost low.
    """

    __slots__ = ("busy", "handling", "idle_closed", "last_activity", "task", "watchdog")

    def __init__(self, task: asyncio.Task[None]) -> None:
        self.task = task
        self.busy = False
        """Between reading data and having written its ACKs (close() lets this finish)."""
        self.handling = False
        """Inside the handler, which has its own timeout (the watchdog waits for it)."""
        self.idle_closed = False
        self.last_activity = 0.0
        self.watchdog: asyncio.TimerHandle | None = None

    def watch(self, writer: asyncio.StreamWriter, idle_seconds: float) -> None:
        """Close the connection once nothing has happened on it for ``idle_seconds``.

        Reading a frame and answering one count as activity; a peer that sends nothing,
        or stops reading its ACKs so that writing blocks, is closed.
        """
        loop = asyncio.get_running_loop()
        self.last_activity = loop.time()

        def check() -> None:
            remaining = self.last_activity + idle_seconds - loop.time()
            if self.handling or remaining > 0:
                self.watchdog = loop.call_later(remaining if remaining > 0 else idle_seconds, check)
                return
            self.idle_closed = True
            # Abort, not close: close would wait to flush ACKs a stalled peer never reads.
            # The pending read (or drain) then ends and the serving loop sees the flag.
            writer.transport.abort()

        self.watchdog = loop.call_later(idle_seconds, check)

    def unwatch(self) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()


class MllpListener:
    """An asyncio MLLP server; use ``async with`` or ``start()``/``close()``."""

    def __init__(
        self,
        handler: MllpHandler,
        config: MllpListenerConfig | None = None,
        *,
        clock: Clock | None = None,
        control_ids: Callable[[], str] | None = None,
    ) -> None:
        self._handler = handler
        self.config = config or MllpListenerConfig()
        self._clock = clock or SystemClock()
        self._control_ids = control_ids or ControlIdSequence()
        self._slots = asyncio.Semaphore(self.config.max_concurrent_handlers)
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._closing = False
        self.stats = ListenerStats()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def address(self) -> tuple[str, int]:
        """The bound host and port (the real port when configured with 0)."""
        if self._server is None or not self._server.sockets:
            raise RuntimeError("the MLLP listener is not started")
        host, port = self._server.sockets[0].getsockname()[:2]
        return str(host), int(port)

    async def start(self) -> None:
        """Bind and start accepting connections."""
        self._closing = False
        self._server = await asyncio.start_server(
            self._accept, self.config.host, self.config.port, limit=self.config.read_size
        )
        host, port = self.address
        log.info("mllp_listener_started", host=host, port=port)

    async def serve_forever(self) -> None:
        """Serve until cancelled (the ``healthbridge mllp`` command runs this)."""
        if self._server is None:
            await self.start()
        assert self._server is not None
        await self._server.serve_forever()

    async def close(self) -> None:
        """Stop accepting, let busy connections finish their current message, then close all.

        Idle connections close at once; one still running a handler gets
        ``shutdown_grace_seconds`` to send its ACK before it is cancelled.
        """
        self._closing = True
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            if not connection.busy:
                connection.task.cancel()
        tasks = [connection.task for connection in self._connections]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.config.shutdown_grace_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
            log.info("mllp_listener_stopped", **_stats_fields(self.stats))

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        peer = _peer(writer)
        if self._closing or len(self._connections) >= self.config.max_connections:
            self.stats.connections_refused += 1
            log.warning("mllp_connection_refused", peer=peer, open=len(self._connections))
            await _close(writer)
            return
        connection = _Connection(task)
        self._connections.add(connection)
        self.stats.connections_accepted += 1
        try:
            reason = await self._serve(connection, reader, writer)
            log.info("mllp_connection_closed", peer=peer, reason=reason)
        except asyncio.CancelledError:
            log.info("mllp_connection_closed", peer=peer, reason="listener_closing")
            raise
        except Exception as error:  # one broken connection (reset, bug) must not stop others
            log.warning("mllp_connection_failed", peer=peer, error_type=type(error).__name__)
        finally:
            self._connections.discard(connection)
            await _close(writer)

    async def _serve(
        self,
        connection: _Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> str:
        """Serve one connection until it ends; returns why it ended."""
        config = self.config
        decoder = MllpDecoder(config.max_message_bytes)
        loop = asyncio.get_running_loop()
        connection.watch(writer, config.idle_timeout_seconds)
        try:
            return await self._exchange(connection, decoder, reader, writer, loop)
        finally:
            connection.unwatch()

    async def _exchange(
        self,
        connection: _Connection,
        decoder: MllpDecoder,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        loop: asyncio.AbstractEventLoop,
    ) -> str:
        config = self.config
        while not self._closing:
            data = await reader.read(config.read_size)
            if not data:
                if connection.idle_closed:
                    self.stats.connections_idle_closed += 1
                    return "idle_timeout"
                return "peer_closed"
            connection.last_activity = loop.time()
            connection.busy = True
            try:
                messages = self._decode(decoder, data)
            except MllpFrameTooLargeError as error:
                self.stats.frames_too_large += 1
                log.warning("mllp_frame_too_large", limit=error.max_message_bytes)
                writer.write(frame(self._oversize_ack(error)))
                self.stats.acks_sent += 1
                await writer.drain()
                return "frame_too_large"
            for message in messages:
                connection.handling = True
                ack = await self._answer(message)
                connection.handling = False
                connection.last_activity = loop.time()
                writer.write(frame(ack))
                self.stats.acks_sent += 1
            if messages:
                await writer.drain()
            connection.busy = False
            connection.last_activity = loop.time()
        return "listener_closing"

    def _decode(self, decoder: MllpDecoder, data: bytes) -> list[bytes]:
        abandoned, skipped = decoder.abandoned_frames, decoder.skipped_bytes
        try:
            return decoder.feed(data)
        finally:
            if decoder.abandoned_frames != abandoned:
                self.stats.frames_abandoned += decoder.abandoned_frames - abandoned
                log.warning("mllp_frame_abandoned", count=decoder.abandoned_frames - abandoned)
            if decoder.skipped_bytes != skipped:
                self.stats.noise_bytes += decoder.skipped_bytes - skipped
                log.info("mllp_noise_skipped", bytes=decoder.skipped_bytes - skipped)

    async def _answer(self, message: bytes) -> bytes:
        """The handler's ACK for one message, or the listener's own when the handler fails."""
        self.stats.messages_received += 1
        seconds = self.config.handler_timeout_seconds
        async with self._slots:
            try:
                async with asyncio.timeout(seconds):
                    ack = await self._handler(message)
            except TimeoutError:
                self.stats.handler_timeouts += 1
                log.warning("mllp_handler_timed_out", seconds=seconds)
                return timeout_ack(message, seconds, **self._ack_ids())
            except Exception as error:  # any handler failure still owes the sender an ACK
                return self._failure(message, error)
        if not isinstance(ack, bytes | bytearray) or not ack:
            return self._failure(message, TypeError("the handler returned no ACK bytes"))
        if START_BLOCK in ack or END_BLOCK in ack:
            return self._failure(message, ValueError("the handler's ACK holds MLLP framing bytes"))
        return bytes(ack)

    def _failure(self, message: bytes, error: Exception) -> bytes:
        self.stats.handler_failures += 1
        code = error.code if isinstance(error, HealthbridgeError) else None
        log.warning("mllp_handler_failed", error_type=type(error).__name__, error_code=code)
        return failure_ack(message, error, **self._ack_ids())

    def _oversize_ack(self, error: MllpFrameTooLargeError) -> bytes:
        return oversize_ack(error.head, error.max_message_bytes, **self._ack_ids())

    def _ack_ids(self) -> dict[str, str]:
        return {"control_id": self._control_ids(), "timestamp": hl7_timestamp(self._clock.now())}


def _peer(writer: asyncio.StreamWriter) -> str:
    peer = writer.get_extra_info("peername")
    if isinstance(peer, tuple) and len(peer) >= 2:
        return f"{peer[0]}:{peer[1]}"
    return str(peer)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


def _stats_fields(stats: ListenerStats) -> dict[str, int]:
    return dataclasses.asdict(stats)
