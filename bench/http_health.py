"""Throughput and latency of the probes Fly.io calls, on a real ``aluzio serve``.

Run: ``uv run python -m bench.http_health [--requests 2000] [--concurrency 20]``
"""

from __future__ import annotations

import argparse
import asyncio

import httpx

from bench.support import benchmark_database, load, rss_mib, running_server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    with benchmark_database() as url, running_server(url) as (base, pid):
        for path in ("/healthz", "/readyz"):
            url = base + path

            async def probe(http: httpx.AsyncClient, url: str = url) -> httpx.Response:
                return await http.get(url)

            result = asyncio.run(load(probe, requests=args.requests, concurrency=args.concurrency))
            print(result.summary(path))
        print(f"server RSS after load: {rss_mib(pid):.0f} MiB")


if __name__ == "__main__":
    main()
