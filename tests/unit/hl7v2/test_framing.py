"""MLLP framing: however the byte stream is cut, the decoder yields exactly the messages sent."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthbridge.connectors.hl7v2 import MllpDecoder, MllpFrameTooLargeError, frame

VT, FS, CR = b"\x0b", b"\x1c", b"\r"
ADT = b"MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||X\r"


def test_a_frame_is_vt_message_fs_cr() -> None:
    assert frame(ADT) == VT + ADT + FS + CR


def test_a_whole_frame_in_one_read_is_one_message() -> None:
    assert MllpDecoder(1024).feed(frame(ADT)) == [ADT]


def test_a_frame_fed_byte_by_byte_completes_only_at_its_end() -> None:
    decoder = MllpDecoder(1024)
    wire = frame(ADT)
    results = [decoder.feed(wire[i : i + 1]) for i in range(len(wire))]
    assert results[:-2] == [[]] * (len(wire) - 2)
    assert results[-2] == [ADT]
    assert results[-1] == []
    assert decoder.skipped_bytes == 0
    assert not decoder.in_frame


def test_two_frames_in_one_read_are_two_messages_in_order() -> None:
    second = ADT.replace(b"|1|P|", b"|2|P|")
    assert MllpDecoder(1024).feed(frame(ADT) + frame(second)) == [ADT, second]


def test_noise_before_a_frame_is_skipped_and_counted() -> None:
    decoder = MllpDecoder(1024)
    assert decoder.feed(b"GET / HTTP/1.1\r\n" + frame(ADT)) == [ADT]
    assert decoder.skipped_bytes == 16


def test_a_missing_cr_after_fs_is_tolerated() -> None:
    decoder = MllpDecoder(1024)
    assert decoder.feed(VT + ADT + FS + VT + ADT + FS) == [ADT, ADT]
    assert decoder.skipped_bytes == 0


def test_a_frame_whose_fs_never_came_is_abandoned_when_the_next_one_starts() -> None:
    decoder = MllpDecoder(1024)
    assert decoder.feed(VT + b"MSH|half a mess") == []
    assert decoder.pending_bytes == 15
    assert decoder.feed(b"age" + frame(ADT)) == [ADT]
    assert decoder.abandoned_frames == 1


def test_a_frame_larger_than_the_limit_raises_with_its_head_and_resets() -> None:
    decoder = MllpDecoder(len(ADT) - 1)
    with pytest.raises(MllpFrameTooLargeError) as caught:
        decoder.feed(frame(ADT))
    assert caught.value.head == ADT
    assert caught.value.code == "mllp.frame_too_large"
    assert "MSH" not in str(caught.value)
    assert not decoder.in_frame


def test_the_limit_applies_while_a_frame_is_still_arriving() -> None:
    decoder = MllpDecoder(100)
    decoder.feed(VT + b"x" * 60)
    with pytest.raises(MllpFrameTooLargeError):
        decoder.feed(b"x" * 60)


def test_a_frame_exactly_at_the_limit_is_accepted() -> None:
    assert MllpDecoder(len(ADT)).feed(frame(ADT)) == [ADT]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.binary(max_size=40).map(lambda b: b.replace(VT, b"").replace(FS, b"")), max_size=5),
    st.lists(st.integers(0, 400), max_size=12),
    st.binary(max_size=10).map(lambda b: b.replace(VT, b"")),
)
def test_any_cut_of_a_stream_yields_the_same_messages(
    messages: list[bytes], cuts: list[int], noise: bytes
) -> None:
    wire = noise + b"".join(frame(message) for message in messages)
    points = sorted({min(cut, len(wire)) for cut in cuts} | {0, len(wire)})
    decoder = MllpDecoder(1024)
    received: list[bytes] = []
    for start, end in itertools.pairwise(points):
        received += decoder.feed(wire[start:end])
    assert received == messages
