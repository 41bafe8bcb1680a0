"""How fast HL7 v2 goes through the hub: parse throughput and ADT over MLLP with ACKs.

Run: ``python benchmarks/mediation_hl7.py`` (about ten seconds). On the real ADT messages
of the shared data folder (``adt_*.hl7``), in one run:

- parse throughput on one core of ``healthbridge``'s tokenizer (``tokenize``), of the full
  ``parse_message`` (tokenize and the strict MSH check), of a plain ``split`` of the
  decoded text on CR and the field separator (the floor: no checks, no structure), and of
  the ``hl7`` package's ``hl7.parse``;
- ADT messages/s over MLLP with ACKs end to end: an ``MllpListener`` on 127.0.0.1 whose
  handler parses each message and builds an AA ACK, and N concurrent ``MllpSender``
  connections sending a fixed number of messages and awaiting every ACK; once with the
  senders in the listener's own event loop (everything on one core) and once with them in
  a separate process (the listener's capacity, as a real sender would see it);
- the listener's own CPU time per message in that second case (user and system time of
  its process, so socket sends count), as the messages/s one core would sustain. On a
  host shared with other work the wall-clock figures swing with the load (each message
  is a round trip, so waiting for a core adds latency twice); CPU time per message
  does not.

Each figure is printed next to its ratio to ``hl7.parse`` measured in the same run.
``HEALTHBRIDGE_TEST_DATA`` points at another copy of the shared data.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import hl7
import structlog
from rich.console import Console
from rich.table import Table

from healthbridge.connectors.hl7v2 import MllpListener, MllpListenerConfig, MllpSender
from healthbridge.mappings.hl7v2 import AckCode, build_ack, parse_message, tokenize

DATA = Path(
    os.environ.get("HEALTHBRIDGE_TEST_DATA") or Path(__file__).parents[2] / "shared" / "data"
)
PARSE_SECONDS = 1.0
HL7_SECONDS = 0.8
MLLP_MESSAGES = 4_000
MLLP_ROUNDS = 2
SENDERS = 8
STAMP = "20240101000000+0000"


def load_adt() -> list[bytes]:
    """Every ADT message in the shared folder, as bytes."""
    folder = DATA / "hl7v2"
    messages = [path.read_bytes() for path in sorted(folder.glob("adt_*.hl7"))]
    if not messages:
        sys.exit(f"no ADT messages found in {folder}: set HEALTHBRIDGE_TEST_DATA")
    return messages


def rate(parse: Callable[[bytes], object], messages: list[bytes], seconds: float) -> float:
    """Messages/s of ``parse`` over ``messages``: the best of short rounds within ``seconds``.

    The best round, as ``timeit`` advises, because other processes on a shared machine
    only ever make a round slower.
    """
    for message in messages:  # warm caches
        parse(message)
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        for message in messages:
            parse(message)
        best = max(best, len(messages) / (time.perf_counter() - started))
    return best


def plain_split(data: bytes) -> list[list[str]]:
    return [segment.split("|") for segment in data.decode().split("\r")]


def reference_parse(data: bytes) -> object:
    return hl7.parse(data.decode())


def accepting_handler() -> Callable[[bytes], object]:
    ids = itertools.count(1)

    async def handle(raw: bytes) -> bytes:
        message = parse_message(raw)
        return build_ack(message, AckCode.ACCEPT, control_id=f"B{next(ids)}", timestamp=STAMP)

    return handle


async def send_all(
    host: str, port: int, messages: list[bytes], count: int, senders: int
) -> dict[str, float]:
    """Send ``count`` messages over ``senders`` connections; returns elapsed time and latencies."""
    latencies: list[float] = []

    async def one(index: int) -> None:
        async with MllpSender(host, port, timeout_seconds=10) as sender:
            for n in range(index, count, senders):
                started = time.perf_counter()
                ack = await sender.send(messages[n % len(messages)])
                latencies.append(time.perf_counter() - started)
                if b"|AA|" not in ack:
                    raise RuntimeError("the listener did not accept a benchmark message")

    started = time.perf_counter()
    await asyncio.gather(*(one(index) for index in range(senders)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"elapsed": elapsed, "p50": cuts[49], "p99": cuts[98]}


async def mllp_rounds(messages: list[bytes], *, separate_process: bool) -> dict[str, float]:
    """The best of ``MLLP_ROUNDS`` rounds of ``MLLP_MESSAGES`` messages through one listener."""
    config = MllpListenerConfig(port=0, max_concurrent_handlers=SENDERS)
    async with MllpListener(accepting_handler(), config) as listener:  # type: ignore[arg-type]
        host, port = listener.address
        await send_all(host, port, messages, 200, SENDERS)  # warm-up
        if separate_process:
            cpu = time.process_time()
            process = await asyncio.create_subprocess_exec(
                *(sys.executable, __file__, "--senders-for", host, str(port)),
                stdout=asyncio.subprocess.PIPE,
            )
            output, _ = await process.communicate()
            cpu = time.process_time() - cpu
            if process.returncode != 0:
                raise RuntimeError("the sender process failed")
            results: list[dict[str, float]] = json.loads(output)
            for result in results:
                result["cpu_per_message"] = cpu / (MLLP_MESSAGES * MLLP_ROUNDS)
        else:
            results = [
                await send_all(host, port, messages, MLLP_MESSAGES, SENDERS)
                for _ in range(MLLP_ROUNDS)
            ]
    return min(results, key=lambda result: result["elapsed"])


async def sender_process_rounds(
    host: str, port: int, messages: list[bytes]
) -> list[dict[str, float]]:
    return [
        await send_all(host, port, messages, MLLP_MESSAGES, SENDERS) for _ in range(MLLP_ROUNDS)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--senders-for", nargs=2, metavar=("HOST", "PORT"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(40))
    messages = load_adt()
    if arguments.senders_for:
        host, port = arguments.senders_for
        print(json.dumps(asyncio.run(sender_process_rounds(host, int(port), messages))))
        return

    console = Console()
    size = sum(map(len, messages)) // len(messages)
    console.print(
        f"{len(messages)} real ADT messages from {DATA / 'hl7v2'}, {size} bytes on average"
    )
    reference = rate(reference_parse, messages, HL7_SECONDS)
    rows: list[tuple[str, float, str]] = [
        (
            "tokenize (healthbridge)",
            rate(tokenize, messages, PARSE_SECONDS),
            "decode, delimiters, segments, fields",
        ),
        (
            "parse_message (healthbridge)",
            rate(parse_message, messages, PARSE_SECONDS),
            "tokenize + strict MSH check",
        ),
        (
            "plain split",
            rate(plain_split, messages, PARSE_SECONDS),
            "decode + split on CR and |, no checks",
        ),
        ("hl7.parse (hl7 package)", reference, "full tree, parse only"),
    ]
    for separate, label in (
        (False, "senders in the same loop, one core"),
        (True, "senders in another process"),
    ):
        result = asyncio.run(mllp_rounds(messages, separate_process=separate))
        latency = f"p50 {result['p50'] * 1e3:.2f} ms, p99 {result['p99'] * 1e3:.2f} ms"
        note = f"{SENDERS} connections x {MLLP_MESSAGES} msgs (best of {MLLP_ROUNDS}), {latency}"
        rows.append(
            (f"ADT over MLLP with AA ACK ({label})", MLLP_MESSAGES / result["elapsed"], note)
        )
        if "cpu_per_message" in result:
            cpu_us = result["cpu_per_message"] * 1e6
            rows.append(
                (
                    "MLLP listener, one core's worth of its CPU time per message",
                    1 / result["cpu_per_message"],
                    f"{cpu_us:.0f} us of listener CPU per message and ACK (all rounds)",
                )
            )

    table = Table(title="HL7 v2 mediation throughput (messages/s)")
    table.add_column("measure")
    table.add_column("messages/s", justify="right")
    table.add_column("x hl7.parse", justify="right")
    table.add_column("notes")
    for name, value, note in rows:
        table.add_row(name, f"{value:,.0f}", f"{value / reference:.1f}", note)
    console.print(table)


if __name__ == "__main__":
    main()
