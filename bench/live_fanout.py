"""Live delivery: N WebSocket clients on one retro, split across two ``aluzio serve``
processes on one database, while a writer adds cards over HTTP at a steady rate.

Prints, per run:

- delivery latency p50/p99, from the commit (the moment this process hears the change's
  ``NOTIFY`` on its own listening connection) to the moment each client has a message at that
  version or later; every (client, card) pair counts, and pairs still missing at the end are
  reported;
- memory per idle connection: each server's RSS after its clients connected and settled,
  minus before, over its connections;
- the commit rate of concurrent one-row changes (the version bump every retro change makes)
  with and without a ``pg_notify`` in the transaction (``--notify-seconds``).

Run: ``uv run python -m bench.live_fanout [--clients 500] [--users 50] [--cards 100]
[--rate 5] [--profile DIR]``. Everything runs on 127.0.0.1; the clients share this process
(and the machine) with the servers, so their own time is part of the figures. With
``--profile``, py-spy records the first server while the cards are written.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from aluzio.application.retros.events import RETRO_CHANNEL
from bench.support import benchmark_database, profiling, rss_mib, running_server

COOKIE = "_aluzio_key"
ORIGIN = "http://localhost:8000"  # the servers' default ALUZIO_BASE_URL: a same-origin page
PASSWORD = "correct horse battery staple violet"  # noqa: S105  (throwaway accounts)
PROFILE_MARKERS = (
    ("live: reading the retro for a viewer (get_retro)", "get_retro (aluzio/application/retros"),
    ("live: session re-check", "session_is_live (aluzio/application/realtime"),
    ("live: encoding a message", "_send (aluzio/entrypoints/http/realtime.py"),
    ("live: presence", "present_in (aluzio/application/realtime"),
    ("HTTP: adding a card", "add_card ("),
    ("unit of work enter/exit", "aluzio/adapters/postgres/unit_of_work.py"),
    ("asyncpg", "asyncpg/"),
    ("uvicorn websocket send", "uvicorn/protocols/websockets/"),
)


class Header(msgspec.Struct):
    """All a client looks at in a message (the rest of it is skipped, not decoded)."""

    type: str
    version: int | None = None


_decode = msgspec.json.Decoder(Header).decode


@dataclass
class Client:
    received: list[tuple[int, float]] = field(default_factory=list)  # (version, when)
    hello: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int | None = None
    refused: str | None = None
    messages: int = 0

    async def run(self, url: str, cookie: str, stop: asyncio.Event) -> None:
        headers = {"Cookie": f"{COOKIE}={cookie}", "Origin": ORIGIN}
        socket: ClientConnection
        try:
            async with connect(url, additional_headers=headers, open_timeout=60) as socket:
                reader = asyncio.create_task(self._read(socket))
                await stop.wait()
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await reader
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            self.refused = type(exc).__name__ + ": " + str(exc)
            self.hello.set()  # nothing more will come

    async def _read(self, socket: ClientConnection) -> None:
        try:
            async for raw in socket:
                header = _decode(raw)
                self.messages += 1
                if header.version is not None:
                    self.received.append((header.version, time.perf_counter()))
                if header.type == "hello":
                    self.hello.set()
        except ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd else None
        finally:
            self.hello.set()  # closed before its hello: nothing more will come


@dataclass
class Person:
    base: str
    cookie: str
    csrf: str
    id: str

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base,
            cookies={COOKIE: self.cookie},
            headers={"X-CSRF-Token": self.csrf, "Origin": ORIGIN},
            timeout=60,
        )


async def register(base: str, email: str, name: str, n: int = 0) -> Person:
    """A new account. Registrations are throttled per client address (20 an hour), so each
    group of ten comes from its own loopback address (all of 127/8 reaches this machine)."""
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.1.{1 + n // 10}")
    async with httpx.AsyncClient(base_url=base, timeout=60, transport=transport) as http:
        response = await http.post(
            "/api/auth/register",
            json={"name": name, "email": email, "password": PASSWORD, "confirmsAdult": True},
        )
        response.raise_for_status()
        # The cookie is Secure (not in dev mode): httpx would not send it back over http.
        cookie = next(
            header.split(";", 1)[0].split("=", 1)[1]
            for header in response.headers.get_list("set-cookie")
            if header.startswith(COOKIE + "=")
        )
        session = await http.get("/api/auth/session", cookies={COOKIE: cookie})
        return Person(base, cookie, session.json()["csrfToken"], response.json()["user"]["id"])


async def checked(response: httpx.Response, status: int = 200) -> Any:
    if response.status_code != status:
        raise SystemExit(f"{response.request.url}: {response.status_code} {response.text}")
    return response.json()


@dataclass
class Setup:
    owner: Person
    viewers: list[Person]
    retro_id: str
    section_ids: list[str]
    spare_retros: list[str]


async def set_up(bases: list[str], database_url: str, users: int, spare_retros: int) -> Setup:
    """An owner (who writes the cards) and ``users`` viewers in one organization, a retro in
    reflect; ``spare_retros`` more retros for the commit-rate measurement."""
    owner = await register(bases[0], "owner@bench.test", "Owner")
    gate = asyncio.Semaphore(4)

    async def viewer(n: int) -> Person:
        async with gate:
            base = bases[n % len(bases)]
            return await register(base, f"viewer{n}@bench.test", f"Viewer {n}", n + 1)

    viewers = list(await asyncio.gather(*(viewer(n) for n in range(users))))
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await connection.execute("UPDATE users SET email_verified_at = now()")
    finally:
        await connection.close()
    async with owner.http() as http:
        slug = (await checked(await http.post("/api/orgs", json={"name": "Bench"}), 201))["slug"]
        link = (await http.post(f"/api/orgs/{slug}/join-link")).raise_for_status().json()
        token = link["url"].split("#token=")[1]
        for person in viewers:
            async with person.http() as joining:
                await checked(await joining.post("/api/join", json={"token": token}))
        board = await checked(
            await http.post(
                f"/api/orgs/{slug}/boards",
                json={"name": "Board", "templateKey": "start-stop-continue"},
            ),
            201,
        )
        retros = [
            (await checked(await http.post(f"/api/boards/{board['id']}/retros", json={}), 201))[
                "id"
            ]
            for _ in range(1 + spare_retros)
        ]
        await checked(await http.post(f"/api/retros/{retros[0]}/phase", json={"to": "reflect"}))
    return Setup(owner, viewers, retros[0], [s["id"] for s in board["sections"]], retros[1:])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * share) - 1))]


async def fan_out(
    args: argparse.Namespace, bases: list[str], pids: list[int], database_url: str
) -> list[str]:
    """The fan-out measurements; the spare retros, for the commit rates."""
    setup = await set_up(bases, database_url, args.users, args.writers)
    committed: dict[int, float] = {}
    listening = await asyncpg.connect(to_asyncpg_dsn(database_url))

    def heard(_c: object, _p: int, _ch: str, payload: object) -> None:
        body = msgspec.json.decode(str(payload))
        if body["retroId"] == setup.retro_id and body["type"] == "card-added":
            committed[int(body["version"])] = time.perf_counter()

    await listening.add_listener(RETRO_CHANNEL, heard)
    await warm_up(bases, setup)
    await asyncio.sleep(1)
    before = [rss_mib(pid) for pid in pids]
    stop = asyncio.Event()
    clients = [Client() for _ in range(args.clients)]
    per_server = Counter(n % len(bases) for n in range(args.clients))  # as dealt out
    tasks = []
    started = time.perf_counter()
    for n, client in enumerate(clients):
        base = bases[n % len(bases)].replace("http://", "ws://")
        viewer = setup.viewers[n % len(setup.viewers)]
        url = f"{base}/api/retros/{setup.retro_id}/live"
        tasks.append(asyncio.create_task(client.run(url, viewer.cookie, stop)))
        if n % 25 == 24:
            await asyncio.sleep(25 / args.arrivals)  # a crowd arriving, not one instant
    async with asyncio.timeout(120):
        await asyncio.gather(*(c.hello.wait() for c in clients))
    refused = Counter(c.refused for c in clients if c.refused)
    closed = Counter(c.close_code for c in clients if c.close_code)
    print(
        f"{args.clients} clients connected in {time.perf_counter() - started:.1f} s;"
        f" refused: {dict(refused) or 'none'}; closed: {dict(closed) or 'none'}"
    )
    clients = [c for c in clients if not c.refused and not c.close_code]
    await asyncio.sleep(3)  # presence settles; the connections are idle
    after = [rss_mib(pid) for pid in pids]
    for n, pid in enumerate(pids):
        delta_kib = (after[n] - before[n]) * 1024
        print(
            f"server {n + 1} (pid {pid}): {per_server[n]} connections, RSS {before[n]:.1f} ->"
            f" {after[n]:.1f} MiB, {delta_kib / per_server[n]:.1f} KiB per idle connection"
        )

    for client in clients:
        client.received.clear()
    cpu_before = [cpu_seconds(pid) for pid in pids]
    own_before, wall_before = time.process_time(), time.perf_counter()
    with profiling(
        pids[0],
        args.profile,
        int(args.cards / args.rate) + 1,
        markers=PROFILE_MARKERS,
        name="live-serve",
    ):
        await write_cards(setup, bases, args.cards, args.rate)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):  # the last notifications on their way here
                while len(committed) < args.cards:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
        final = max(committed) if committed else 0
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.drain_seconds):
                while any(not c.received or c.received[-1][0] < final for c in clients):  # noqa: ASYNC110  (polling many clients' progress)
                    await asyncio.sleep(0.1)
    wall = time.perf_counter() - wall_before
    busy = [(cpu_seconds(pid) - cpu_before[n]) / wall for n, pid in enumerate(pids)]
    print(
        f"CPU while writing ({wall:.1f} s): servers "
        + ", ".join(f"{share:.0%}" for share in busy)
        + f" of a core; these clients {(time.process_time() - own_before) / wall:.0%}"
    )
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await listening.close()
    report_latency(clients, committed)
    return setup.spare_retros


async def warm_up(bases: list[str], setup: Setup) -> None:
    """Every viewer opens the retro once on each server and leaves: first reads (joining the
    retro), caches of compiled statements and the listening connection are one-off costs,
    not a connection's."""
    stop = asyncio.Event()
    clients = [Client() for _ in bases for _ in setup.viewers]
    tasks = [
        asyncio.create_task(
            client.run(
                f"{bases[n % len(bases)].replace('http://', 'ws://')}"
                f"/api/retros/{setup.retro_id}/live",
                setup.viewers[n // len(bases)].cookie,
                stop,
            )
        )
        for n, client in enumerate(clients)
    ]
    async with asyncio.timeout(120):
        await asyncio.gather(*(c.hello.wait() for c in clients))
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)


async def write_cards(setup: Setup, bases: list[str], cards: int, rate: float) -> None:
    """``cards`` cards at ``rate`` per second, alternately through each server."""
    writers = [
        Person(base, setup.owner.cookie, setup.owner.csrf, setup.owner.id).http() for base in bases
    ]
    start = time.perf_counter()
    pending = []
    try:
        for n in range(cards):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            body = {"sectionId": setup.section_ids[n % 3], "body": f"Card {n}"}
            pending.append(
                asyncio.create_task(
                    writers[n % len(writers)].post(f"/api/retros/{setup.retro_id}/cards", json=body)
                )
            )
        for response in await asyncio.gather(*pending):
            await checked(response, 201)
    finally:
        for writer in writers:
            await writer.aclose()


def report_latency(clients: list[Client], committed: dict[int, float]) -> None:
    latencies: list[float] = []
    per_card: dict[int, list[float]] = {version: [] for version in committed}
    missing = 0
    for client in clients:
        versions = [v for v, _ in client.received]
        for version, at in committed.items():
            # The first message at this version or later: folded changes count as delivered.
            index = next((i for i, v in enumerate(versions) if v >= version), None)
            if index is None:
                missing += 1
            else:
                latency = (client.received[index][1] - at) * 1000
                latencies.append(latency)
                per_card[version].append(latency)
    ordered = sorted(latencies)
    closed = Counter(c.close_code for c in clients if c.close_code is not None)
    messages = sum(len(c.received) for c in clients)
    print(
        f"delivery: {len(committed)} cards x {len(clients)} clients = {len(ordered)} deliveries"
        f" in {messages} messages, {missing} missing; closed early: {dict(closed) or 'none'}"
    )
    if not ordered:
        return
    print(
        f"latency from commit to receipt: p50 {statistics.median(ordered):.1f} ms,"
        f" p99 {percentile(ordered, 0.99):.1f} ms, max {ordered[-1]:.1f} ms"
    )
    # The first client to have a card shows the server's path; the last one adds the time
    # to write to every socket and for this one process to read them all.
    first = sorted(min(ms) for ms in per_card.values() if ms)
    last = sorted(max(ms) for ms in per_card.values() if ms)
    print(
        f"per card, first client: p50 {statistics.median(first):.1f} ms,"
        f" max {first[-1]:.1f} ms; last client: p50 {statistics.median(last):.1f} ms,"
        f" max {last[-1]:.1f} ms"
    )


async def commit_rates(database_url: str, retros: list[str], seconds: float, rounds: int) -> None:
    """Concurrent one-row changes, one retro per connection (no lock shared), with and
    without a ``pg_notify`` of a retro event's size in the transaction."""
    dsn = to_asyncpg_dsn(database_url)
    connections = [await asyncpg.connect(dsn) for _ in retros]
    results: dict[bool, list[float]] = {False: [], True: []}
    try:
        for _ in range(rounds):
            for notify in (False, True):
                results[notify].append(await _commit_rate(connections, retros, notify, seconds))
    finally:
        for connection in connections:
            await connection.close()
    for notify in (False, True):
        rates = ", ".join(f"{r:.0f}" for r in results[notify])
        label = "with pg_notify   " if notify else "without pg_notify"
        print(
            f"commits/s {label} ({len(retros)} connections, {seconds:g} s rounds):"
            f" {rates} (median {statistics.median(results[notify]):.0f})"
        )


async def _commit_rate(
    connections: list[asyncpg.Connection[Any]], retros: list[str], notify: bool, seconds: float
) -> float:
    deadline = time.perf_counter() + seconds
    counts = [0] * len(connections)

    async def work(n: int) -> None:
        connection, retro = connections[n], UUID(retros[n])
        while time.perf_counter() < deadline:
            async with connection.transaction():
                version = await connection.fetchval(
                    "UPDATE retros SET version = version + 1 WHERE id = $1 RETURNING version",
                    retro,
                )
                if notify:
                    payload = msgspec.json.encode(
                        {"retroId": str(retro), "version": version, "type": "card-added"}
                    ).decode()
                    await connection.execute("SELECT pg_notify('bench_retro', $1)", payload)
            counts[n] += 1

    started = time.perf_counter()
    await asyncio.gather(*(work(n) for n in range(len(connections))))
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--users", type=int, default=50, help="distinct viewers among them")
    parser.add_argument("--cards", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0, help="cards per second")
    parser.add_argument("--arrivals", type=float, default=100.0, help="connections per second")
    parser.add_argument("--drain-seconds", type=float, default=30.0)
    parser.add_argument("--writers", type=int, default=8, help="connections for commit rates")
    parser.add_argument("--notify-seconds", type=float, default=3.0)
    parser.add_argument("--notify-rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    per_user = -(-args.clients // args.users)
    settings = {
        "ALUZIO_LIVE_CONNECTIONS_PER_USER": str(max(10, per_user)),
        "ALUZIO_PASSWORD_HASH_CONCURRENCY": "2",
    }
    with (
        benchmark_database() as database_url,
        running_server(database_url, **settings) as (base_a, pid_a),
        running_server(database_url, **settings) as (base_b, pid_b),
    ):
        spare = asyncio.run(fan_out(args, [base_a, base_b], [pid_a, pid_b], database_url))
        asyncio.run(commit_rates(database_url, spare, args.notify_seconds, args.notify_rounds))


if __name__ == "__main__":
    main()
