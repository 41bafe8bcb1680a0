"""MLLP release 1 framing: ``<VT> message <FS><CR>``, and a decoder for a byte stream.

TCP delivers bytes, not messages: a read may hold half a message, several messages, or
noise. ``MllpDecoder`` turns any sequence of reads into whole messages:

- bytes outside a frame (before ``<VT>``, or the ``<CR>`` after ``<FS>``) are skipped and
  counted, never treated as a message;
- a ``<VT>`` inside an open frame means the sender gave up on the previous frame (its
  ``<FS>`` never came): that partial frame is dropped and counted, the new one starts;
- a frame is complete at ``<FS>``; the ``<CR>`` that should follow is tolerated if absent;
- a frame that grows past ``max_message_bytes`` raises ``MllpFrameTooLargeError`` with its
  first bytes (enough to read the MSH and reject it properly), so a hostile or broken
  sender cannot make the hub buffer without bound.

Work is linear in the bytes fed however the stream is cut: feeding a message byte by
byte costs no more per byte than feeding it whole.
"""

from __future__ import annotations

from healthbridge.connectors.hl7v2.errors import MllpFrameTooLargeError

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c"
CARRIAGE_RETURN = b"\r"
HEAD_BYTES = 4096
"""How much of an oversized frame is kept, to read its header for the reject ACK."""


def frame(message: bytes) -> bytes:
    """``message`` wrapped for the wire: ``<VT> message <FS><CR>``."""
    return START_BLOCK + message + END_BLOCK + CARRIAGE_RETURN


class MllpDecoder:
    """Incremental MLLP decoder for one connection's inbound byte stream."""

    __slots__ = (
        "_after_end",
        "_buffer",
        "_in_frame",
        "abandoned_frames",
        "max_message_bytes",
        "skipped_bytes",
    )

    def __init__(self, max_message_bytes: int) -> None:
        if max_message_bytes < 1:
            raise ValueError("max_message_bytes must be positive")
        self.max_message_bytes = max_message_bytes
        self._buffer = bytearray()
        self._in_frame = False
        self._after_end = False
        self.abandoned_frames = 0
        """Frames dropped because a new ``<VT>`` came before their ``<FS>``."""
        self.skipped_bytes = 0
        """Bytes found outside any frame (noise), not counting the ``<CR>`` after ``<FS>``."""

    @property
    def pending_bytes(self) -> int:
        """Bytes of an unfinished frame held in memory."""
        return len(self._buffer) if self._in_frame else 0

    @property
    def in_frame(self) -> bool:
        """Whether a frame has started and not yet ended."""
        return self._in_frame

    def feed(self, data: bytes) -> list[bytes]:
        """The messages completed by ``data``, in order (empty when none completed)."""
        messages: list[bytes] = []
        buffer = self._buffer
        position, size = 0, len(data)
        while position < size:
            if not self._in_frame:
                if self._after_end:
                    self._after_end = False
                    if data[position] == CARRIAGE_RETURN[0]:
                        position += 1
                        continue
                start = data.find(START_BLOCK, position)
                if start < 0:
                    self.skipped_bytes += size - position
                    return messages
                self.skipped_bytes += start - position
                position = start + 1
                self._in_frame = True
                buffer.clear()
            end = data.find(END_BLOCK, position)
            stop = size if end < 0 else end
            restart = data.rfind(START_BLOCK, position, stop)
            if restart >= 0:
                # A new frame began before this one ended: the sender abandoned it.
                self.abandoned_frames += 1
                buffer.clear()
                position = restart + 1
            buffer += data[position:stop]
            if len(buffer) > self.max_message_bytes:
                head = bytes(buffer[:HEAD_BYTES])
                self._reset()
                raise MllpFrameTooLargeError(self.max_message_bytes, head)
            if end < 0:
                return messages
            messages.append(bytes(buffer))
            self._reset()
            self._after_end = True
            position = end + 1
        return messages

    def _reset(self) -> None:
        self._in_frame = False
        self._buffer.clear()
