"""Adding a card, casting a vote and reading a 200-card retro on ``aluzio serve``, beside a
bare Litestar + asyncpg app doing the same SQL with no auth layer, domain or unit of work
(``bench/bare_retro.py``).

Both run in one uvicorn worker on the same migrated Postgres; wrk (its own process) loads
each path on each app in turn, ``--rounds`` times, and the medians are compared: requests/s,
p50 and p99 latency, and the ratio of the rates (targets: both at least 50 %).

Everything is set up through Aluzio's own API, as a user would: a verified account, an
organization, a board from a template, retros moved to ``reflect`` for the writes, and one
retro with 200 cards moved to ``group`` (every card visible) for the reads. A retro holds at
most 500 cards, so the writes go round many retros (``--write-retros`` per app).

Casting a vote checks the voter's budget (at most 20 votes a retro), so the votes go round
``--voters`` people (signed up and joined through the API) times ``--vote-retros`` retros in
``vote`` with budget and per-topic cap 20, one topic each: 15 x 60 x 20 = 18,000 casts before
any budget runs out (the bare app casts about 2,500 a second on the development machine),
and every run (warm-up included) starts from no votes (the one SQL shortcut besides
verifying addresses: ``DELETE FROM votes`` between runs). Consecutive requests go to
different retros, so 16 connections rarely wait for the same retro's lock.

Run: ``uv run python -m bench.retro_paths [--seconds 5] [--rounds 3] [--connections 16]
[--paths add-card,cast-vote,read-200] [--profile DIR]`` (py-spy records ``aluzio serve``
during each path's first round).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from aluzio.adapters.postgres.database import to_asyncpg_dsn
from bench.signed_in_path import profiling
from bench.support import benchmark_database, running_server
from bench.wrk import WrkResult, bare_server, run_wrk

COOKIE = "_aluzio_key"
SECRET_KEY = "bench-secret-key-" + "x" * 32  # bench.support.running_server's
READ_CARDS = 200
PATHS = ("add-card", "cast-vote", "read-200")
VOTE_BUDGET = 20  # the most a retro allows
CARD_BODY = "The retro board loads fast even with many cards on it."


@dataclass
class Fixture:
    cookie: str
    csrf: str
    section_id: str
    read_retro: str
    write_retros: dict[str, list[str]]  # per app
    vote_topics: list[str]  # one per retro in vote
    voters: list[tuple[str, str]]  # (cookie, csrf)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="per path, app and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--write-retros", type=int, default=120, help="per app (500 cards each)")
    parser.add_argument("--voters", type=int, default=15, help="at most 19 (sign-up limit)")
    parser.add_argument("--vote-retros", type=int, default=60)
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated")
    parser.add_argument("--profile", type=Path, default=None, help="record py-spy into DIR")
    args = parser.parse_args()
    with (
        benchmark_database() as url,
        running_server(url) as (aluzio_base, aluzio_pid),
        bare_server(
            "bench.bare_retro:create_app",
            {"BARE_DATABASE_URL": url, "BARE_SECRET_KEY": SECRET_KEY},
            ready_path="/api/retros/00000000-0000-0000-0000-000000000000",
            ready_status=401,
        ) as (bare_base, _),
        tempfile.TemporaryDirectory(prefix="aluzio-bench-") as scripts,
    ):
        paths = [p for p in PATHS if p in args.paths.split(",")]
        fixture = set_up(
            aluzio_base,
            url,
            write_retros=args.write_retros if "add-card" in paths else 0,
            voters=args.voters if "cast-vote" in paths else 0,
            vote_retros=args.vote_retros,
        )
        bases = {"bare": bare_base, "aluzio": aluzio_base}
        results: dict[tuple[str, str], list[WrkResult]] = {}
        for round_number in range(1, args.rounds + 1):
            for path in paths:
                for name, base in bases.items():
                    profile = args.profile if name == "aluzio" and round_number == 1 else None
                    with profiling(aluzio_pid, profile and profile / path, args.seconds):
                        result = load(
                            path, name, base, fixture, Path(scripts), args, round_number, url
                        )
                    results.setdefault((path, name), []).append(result)
                    print(
                        f"round {round_number} {path:>8} {name:>6}:"
                        f" {result.requests_per_second:6.0f} req/s,"
                        f" p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms,"
                        f" non-2xx {result.non_2xx}, wrk CPU {result.wrk_cpu_percent:.0f}%"
                        f" {result.errors}"
                    )
        print_table(results, paths)


def load(
    path: str,
    name: str,
    base: str,
    fixture: Fixture,
    scripts: Path,
    args: argparse.Namespace,
    round_number: int,
    database_url: str,
) -> WrkResult:
    if path == "cast-vote":
        script = scripts / "cast-vote.lua"
        script.write_text(cast_vote_script(fixture))
        if round_number == 1:
            asyncio.run(forget_votes(database_url))
            run_wrk(base, {}, seconds=2, connections=args.connections, script=script)
        asyncio.run(forget_votes(database_url))
        return run_wrk(base, {}, seconds=args.seconds, connections=args.connections, script=script)
    headers = {"Cookie": f"{COOKIE}={fixture.cookie}"}
    if path == "read-200":
        url = f"{base}/api/retros/{fixture.read_retro}"
        if round_number == 1:  # warm up: connections, statement caches
            run_wrk(url, headers, seconds=2, connections=args.connections)
        return run_wrk(url, headers, seconds=args.seconds, connections=args.connections)
    script = scripts / f"add-card-{name}.lua"
    script.write_text(add_card_script(fixture.write_retros[name], fixture))
    headers |= {"Content-Type": "application/json", "X-CSRF-Token": fixture.csrf}
    if round_number == 1:
        run_wrk(base, headers, seconds=2, connections=args.connections, script=script)
    return run_wrk(base, headers, seconds=args.seconds, connections=args.connections, script=script)


def add_card_script(retros: list[str], fixture: Fixture) -> str:
    """A wrk script that posts one card per request, going round the retros."""
    paths = ", ".join(f'"/api/retros/{retro}/cards"' for retro in retros)
    body = f'{{"sectionId": "{fixture.section_id}", "body": "{CARD_BODY}"}}'
    return (
        f"local paths = {{{paths}}}\n"
        "local i = 0\n"
        f"local body = '{body}'\n"
        "request = function()\n"
        "  i = i + 1\n"
        '  return wrk.format("POST", paths[(i % #paths) + 1], nil, body)\n'
        "end\n"
    )


def cast_vote_script(fixture: Fixture) -> str:
    """A wrk script that casts one vote per request: the next retro's topic each time, and
    the next voter after a round of the retros."""
    paths = ", ".join(f'"/api/topics/{topic}/votes"' for topic in fixture.vote_topics)
    cookies = ", ".join(f'"{COOKIE}={cookie}"' for cookie, _ in fixture.voters)
    csrfs = ", ".join(f'"{csrf}"' for _, csrf in fixture.voters)
    return (
        f"local paths = {{{paths}}}\n"
        f"local cookies = {{{cookies}}}\n"
        f"local csrfs = {{{csrfs}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        "  local voter = (math.floor(i / #paths) % #cookies) + 1\n"
        "  local headers = {Cookie = cookies[voter], ['X-CSRF-Token'] = csrfs[voter]}\n"
        '  return wrk.format("POST", paths[(i % #paths) + 1], headers, "")\n'
        "end\n"
    )


async def forget_votes(database_url: str) -> None:
    """Every budget full again before a run."""
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await connection.execute("DELETE FROM votes")
    finally:
        await connection.close()


def print_table(results: dict[tuple[str, str], list[WrkResult]], paths: list[str]) -> None:
    print()
    print("| path | app | req/s | p50 ms | p99 ms | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for path in paths:
        bare_rate = statistics.median(r.requests_per_second for r in results[(path, "bare")])
        for name in ("bare", "aluzio"):
            runs = results[(path, name)]
            rate = statistics.median(r.requests_per_second for r in runs)
            p50 = statistics.median(r.p50_ms for r in runs)
            p99 = statistics.median(r.p99_ms for r in runs)
            ratio = f"{rate / bare_rate:.0%}" if name == "aluzio" else ""
            print(f"| {path} | {name} | {rate:.0f} | {p50:.1f} | {p99:.1f} | {ratio} |")


# --- Set-up through Aluzio's API -------------------------------------------------------------


def set_up(
    base: str, database_url: str, *, write_retros: int, voters: int, vote_retros: int
) -> Fixture:
    with httpx.Client(base_url=base, timeout=30) as http:
        cookie = register(http, "bench@example.com")
        # The cookie is Secure and this is plain HTTP on loopback: sent by hand, as wrk does.
        http.cookies.clear()
        http.headers["Cookie"] = f"{COOKIE}={cookie}"
        asyncio.run(verify_email(database_url))
        csrf = expect(http.get("/api/auth/session"), 200)["csrfToken"]
        http.headers["X-CSRF-Token"] = csrf
        slug = expect(http.post("/api/orgs", json={"name": "Bench Team"}), 201)["slug"]
        board = expect(
            http.post(
                f"/api/orgs/{slug}/boards",
                json={"name": "Weekly", "templateKey": "start-stop-continue"},
            ),
            201,
        )
        section_id = board["sections"][0]["id"]

        def reflecting_retro() -> str:
            retro = expect(http.post(f"/api/boards/{board['id']}/retros", json={}), 201)
            expect(http.post(f"/api/retros/{retro['id']}/phase", json={"to": "reflect"}), 200)
            return str(retro["id"])

        read_retro = reflecting_retro()
        for number in range(READ_CARDS):
            body = {"sectionId": section_id, "body": f"Card {number}: {CARD_BODY}"}
            expect(http.post(f"/api/retros/{read_retro}/cards", json=body), 201)
        expect(http.post(f"/api/retros/{read_retro}/phase", json={"to": "group"}), 200)
        expect(http.get(f"/api/retros/{read_retro}"), 200)  # a participant from now on
        writes = {
            app: [reflecting_retro() for _ in range(write_retros)] for app in ("bare", "aluzio")
        }
        vote_topics = []
        if voters:
            link = expect(http.post(f"/api/orgs/{slug}/join-link"), 201)["url"]
            people = [signed_up(base, f"voter{n}@example.com") for n in range(voters)]
            asyncio.run(verify_email(database_url))
            for person in people:
                join(base, link, person)
            for _ in range(vote_retros):
                retro = expect(
                    http.post(
                        f"/api/boards/{board['id']}/retros",
                        json={"voteBudget": VOTE_BUDGET, "maxVotesPerTopic": VOTE_BUDGET},
                    ),
                    201,
                )["id"]
                expect(http.post(f"/api/retros/{retro}/phase", json={"to": "reflect"}), 200)
                card = {"sectionId": section_id, "body": CARD_BODY}
                topic = expect(http.post(f"/api/retros/{retro}/cards", json=card), 201)["topicId"]
                for phase in ("group", "vote"):
                    expect(http.post(f"/api/retros/{retro}/phase", json={"to": phase}), 200)
                vote_topics.append(topic)
    voting = [(cookie, csrf_of(base, cookie)) for cookie in people] if voters else []
    return Fixture(cookie, csrf, section_id, read_retro, writes, vote_topics, voting)


def signed_up(base: str, email: str) -> str:
    """A new account's session cookie."""
    with httpx.Client(base_url=base, timeout=30) as http:
        return register(http, email)


def join(base: str, link: str, cookie: str) -> None:
    """The account joins the organization by its link (its address verified by then)."""
    headers = {"Cookie": f"{COOKIE}={cookie}", "X-CSRF-Token": csrf_of(base, cookie)}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as http:
        expect(http.post("/api/join", json={"token": link.split("#token=")[1]}), 200)


def csrf_of(base: str, cookie: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as http:
        session = http.get("/api/auth/session", headers={"Cookie": f"{COOKIE}={cookie}"})
        return str(expect(session, 200)["csrfToken"])


def register(http: httpx.Client, email: str) -> str:
    response = http.post(
        "/api/auth/register",
        json={
            "name": "Bench",
            "email": email,
            "password": "correct horse battery staple violet",
            "confirmsAdult": True,
        },
    )
    expect(response, 201)
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(COOKIE + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise SystemExit("registration set no session cookie")


async def verify_email(database_url: str) -> None:
    """The bench's one shortcut past the API: the address counts as verified (the link is
    mailed; reading it back from the outbox proves nothing here)."""
    connection = await asyncpg.connect(to_asyncpg_dsn(database_url))
    try:
        await connection.execute("UPDATE users SET email_verified_at = now()")
    finally:
        await connection.close()


def expect(response: httpx.Response, status: int) -> Any:
    if response.status_code != status:
        raise SystemExit(
            f"{response.request.method} {response.request.url.path} answered"
            f" {response.status_code}, not {status}: {response.text[:300]}\n"
            "(the retro routes of issue 12 must be in this tree for this benchmark)"
        )
    return response.json() if response.content else None


if __name__ == "__main__":
    main()
