"""A burst of sign-ins against a real ``aluzio serve``: memory stays bounded by the Argon2
concurrency, and health probes are not stalled meanwhile.

Run: ``uv run python -m bench.signin_burst [--logins 60] [--concurrency 20]
[--hash-concurrency 2]``

Each sign-in comes from its own client address (``Fly-Client-IP`` with the proxy trusted),
so the per-address throttle does not cut the burst short.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools

import httpx

from bench.support import benchmark_database, load, rss_mib, running_server

ACCOUNTS = 10
PASSWORD = "plum-harbor-7391-quiet-lantern"  # noqa: S105  (a throwaway benchmark account)


async def burst(base: str, pid: int, logins: int, concurrency: int) -> None:
    # Sign-in attempts count against the account before the password is checked, so one
    # account takes at most 10 at once: spread the burst over several accounts.
    emails = [f"bench.person{n}@example.com" for n in range(ACCOUNTS)]
    for n, email in enumerate(emails):
        async with httpx.AsyncClient(timeout=60.0) as http:
            body = {"name": "Load Tester", "email": email, "password": PASSWORD}
            registered = await http.post(
                f"{base}/api/auth/register",
                json={**body, "confirmsAdult": True},
                headers={"Fly-Client-IP": f"198.51.100.{n + 1}"},
            )
            registered.raise_for_status()
    next_email = itertools.cycle(emails)
    baseline = rss_mib(pid)
    addresses = (f"10.{i // 250}.{i % 250}.1" for i in itertools.count())

    async def sign_in(http: httpx.AsyncClient) -> httpx.Response:
        # A fresh client per sign-in: no cookie from the previous one comes along.
        async with httpx.AsyncClient(timeout=60.0) as fresh:
            return await fresh.post(
                f"{base}/api/auth/login",
                json={"email": next(next_email), "password": PASSWORD},
                headers={"Fly-Client-IP": next(addresses)},
            )

    async def probe(http: httpx.AsyncClient) -> httpx.Response:
        return await http.get(f"{base}/healthz")

    peak = baseline
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mib(pid))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    logins_task = asyncio.create_task(load(sign_in, requests=logins, concurrency=concurrency))
    probes = await load(probe, requests=200, concurrency=2)
    signins = await logins_task
    done.set()
    await sampler
    print(signins.summary("POST /api/auth/login"))
    print(probes.summary("GET /healthz during the burst"))
    print(f"server RSS: {baseline:.0f} MiB before, {peak:.0f} MiB peak during the burst")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--hash-concurrency", type=int, default=2)
    args = parser.parse_args()
    with (
        benchmark_database() as url,
        running_server(
            url,
            ALUZIO_TRUST_PROXY="true",
            ALUZIO_PASSWORD_HASH_CONCURRENCY=str(args.hash_concurrency),
        ) as (base, pid),
    ):
        asyncio.run(burst(base, pid, args.logins, args.concurrency))


if __name__ == "__main__":
    main()
