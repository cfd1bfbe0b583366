"""The server of `portal serve`: today's settings (`--loop asyncio --http h11`) against
`auto` (uvloop and httptools, from uvicorn[standard]), in one run.

    .venv/bin/python -m benchmarks.bench_server [--seconds 6] [--clients 10] [--rounds 2]

Imports drafts/ once into a temporary PORTAL_DATA_DIR, then for each round starts
`portal serve` on 127.0.0.1 (a free port, one worker) with each setting in turn, warms it
up, and drives the sample version page with N concurrent keep-alive httpx clients for a
bounded time. Prints requests/s, p50 and p95 per setting (the best round of each, the
machine being shared) and the ratio auto / asyncio+h11. Every server is stopped by its PID.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"  # loopback only
PAGE = "/r/jamsos-ketenagakerjaan/v2"
SETTINGS = {
    "asyncio+h11": ["--loop", "asyncio", "--http", "h11"],
    "auto": ["--loop", "auto", "--http", "auto"],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(data: Path, flags: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PORTAL_DATA_DIR": str(data)}
    env.pop("PORTAL_DATABASE_URL", None)
    log = (data / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "portal", "serve", "--port", str(port), *flags],
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError((data / f"serve-{port}.log").read_text())
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def drive(base: str, clients: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def one() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                response = await client.get(PAGE)
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code

    began = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    return len(latencies) / (time.perf_counter() - began), latencies


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q * 100) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in SETTINGS}
    with tempfile.TemporaryDirectory(prefix="bench-server-") as folder:
        data = Path(folder)
        env = {**os.environ, "PORTAL_DATA_DIR": str(data)}
        env.pop("PORTAL_DATABASE_URL", None)
        drafts = str(Path(__file__).resolve().parent.parent / "drafts")
        command = [sys.executable, "-m", "portal", "import", drafts]
        subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603 - our own CLI
        for _ in range(args.rounds):
            for name, flags in SETTINGS.items():
                process, base = start(data, flags)
                try:
                    asyncio.run(drive(base, args.clients, 1.5))  # warm-up: caches, connections
                    rps, latencies = asyncio.run(drive(base, args.clients, args.seconds))
                finally:
                    stop(process)
                results[name].append((rps, quantile(latencies, 0.50), quantile(latencies, 0.95)))
    print(f"version page {PAGE}, {args.clients} clients, {args.seconds:.0f} s, best of {args.rounds} rounds")
    best = {name: max(rows) for name, rows in results.items()}
    for name, (rps, p50, p95) in best.items():
        rounds = ", ".join(f"{r:.0f}" for r, _, _ in results[name])
        print(f"  {name:12} {rps:8.0f} req/s   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   (rounds: {rounds})")
    print(f"  ratio auto / asyncio+h11: {best['auto'][0] / best['asyncio+h11'][0]:.2f}x req/s")


if __name__ == "__main__":
    main()
