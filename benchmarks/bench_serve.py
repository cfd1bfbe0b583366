"""Requests per second and latency of the portal under uvicorn, one worker, 10 clients.

    .venv/bin/python -m benchmarks.bench_serve                   # wrk if installed, else httpx
    .venv/bin/python -m benchmarks.bench_serve --no-access-log   # both servers without access log

Starts two uvicorn processes on 127.0.0.1 (free ports, one worker each, the flags of
`portal serve`): the portal, on a temporary PORTAL_DATA_DIR where drafts/ was first
imported with `portal import`, and benchmarks/bare_app.py, a bare Starlette endpoint.
Each target gets a short warm-up, then a bounded run of N concurrent keep-alive
clients; the subprocesses are stopped at the end whatever happens.
Aim (product owner): the ~50-Pasal sample version page at >= 1,000 requests/s with
p95 <= 20 ms on one worker with 10 concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from types import FrameType
from typing import IO

import httpx

from benchmarks.common import (
    ROOT,
    Disturbance,
    calibration_ms,
    machine_line,
    restore_pdfs,
    table,
    wait_for_pdfs,
    warn_if_busy,
)

HOST = "127.0.0.1"  # loopback only, never configurable
SLUG, VERSI = "jamsos-ketenagakerjaan", "v2"
VERSION_PATH = f"/r/{SLUG}/{VERSI}"
AIM_RPS, AIM_P95_MS = 1000.0, 20.0
PLAIN = {"Accept-Encoding": "identity"}  # what wrk sends without a header: no encoding
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    "WRKJSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, \\"connect\\": %d, "
    .. "\\"read\\": %d, \\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d, \\"p50_us\\": %d, "
    .. "\\"p95_us\\": %d, \\"p99_us\\": %d, \\"max_us\\": %d}\\n",
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


# -- servers -------------------------------------------------------------------------------


class Server:
    """One uvicorn process; ``stop`` ends it (and only it) by its pid."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.name, self.argv, self.env, self.cwd, self.log_path = name, argv, env, cwd, log
        self.port = int(argv[argv.index("--port") + 1])
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own argv
            self.argv, env=self.env, cwd=self.cwd, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            try:
                if httpx.get(self.base + path, timeout=2.0).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float | None:
        """User + system CPU of the server process so far (Linux /proc), or None."""
        if self.process is None:
            return None
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


def uvicorn_argv(app: str, port: int, *, factory: bool, access_log: bool) -> list[str]:
    # `portal serve` runs uvicorn.run(app, host, port, log_level="info", proxy_headers=True).
    argv = [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port)]
    argv += ["--workers", "1", "--log-level", "info", "--proxy-headers"]
    if factory:
        argv.append("--factory")
    if not access_log:
        argv.append("--no-access-log")
    return argv


def portal_env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env["PORTAL_DATA_DIR"] = str(data_dir)
    env["PORTAL_DRAFTS_DIR"] = str(ROOT / "drafts")
    env["PYTHONPATH"] = str(ROOT)
    return env


def seed(env: dict[str, str], cwd: Path) -> str:
    """`portal import drafts/` into the temporary data directory (migrates first)."""
    argv = [sys.executable, "-m", "portal", "import", str(ROOT / "drafts")]
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"portal import failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


# -- load -------------------------------------------------------------------------------------


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    wire_bytes: int
    errors: int
    server_cpu: float | None = None
    client_cpu: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Target:
    name: str
    server: str  # "bare" or "portal"
    path: str
    expect: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed")
    return found


def run_wrk(
    url: str, headers: dict[str, str], connections: int, seconds: float, threads: int, script: Path
) -> Result:
    argv = [
        wrk_path(),
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "5s",
    ]
    argv += ["-s", str(script)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=seconds + 60)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        wire_bytes=data["bytes"],
        errors=errors,
    )


async def _httpx_load(
    url: str, headers: dict[str, str], expect: int, connections: int, seconds: float, limit: int
) -> Result:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    latencies: list[float] = []
    errors = 0
    wire = 0
    async with httpx.AsyncClient(limits=limits, timeout=10.0, headers=headers) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def worker() -> None:
            nonlocal errors, wire
            while time.perf_counter() < deadline and len(latencies) + errors < limit:
                sent = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - sent)
                wire += len(response.content)
                if response.status_code != expect:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - start
    ordered = sorted(latencies) or [0.0]

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return Result(len(latencies), elapsed, pct(0.50), pct(0.95), pct(0.99), wire, errors)


def run_httpx(
    url: str, headers: dict[str, str], expect: int, connections: int, seconds: float, limit: int
) -> Result:
    return asyncio.run(_httpx_load(url, headers, expect, connections, seconds, limit))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- main -------------------------------------------------------------------------------------


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the ExitStack, which stops the servers


def describe_stack() -> str:
    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    http = "httptools" if find_spec("httptools") else "h11"
    import starlette
    import uvicorn

    return f"uvicorn {uvicorn.__version__} (loop {loop}, http {http}), Starlette {starlette.__version__}"


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    options.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    options.add_argument("--connections", type=int, default=10, help="concurrent clients (10)")
    options.add_argument("--duration", type=float, default=8.0, help="seconds per target (8)")
    options.add_argument(
        "--warmup", type=float, default=1.0, help="warm-up seconds per target (1; wrk: whole s)"
    )
    options.add_argument("--max-requests", type=int, default=200_000, help="cap per target, httpx client")
    options.add_argument(
        "--wrk-threads", type=int, default=1, help="wrk threads (1: leaves a core to the server)"
    )
    options.add_argument("--no-access-log", action="store_true", help="run both servers without access log")
    args = options.parse_args(argv)
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "httpx"
    if client == "wrk" and not shutil.which("wrk"):
        options.error("wrk is not installed (apt-get install -y wrk), or use --client httpx")
    access_log = not args.no_access_log

    signal.signal(signal.SIGTERM, _terminate)
    warn_if_busy()
    disturbance = Disturbance()
    print("Raperda Portal: serve benchmark")
    print(machine_line())
    print(describe_stack() + f"; one worker each; access log {'on' if access_log else 'off'}")
    if client == "wrk":
        wrk_version = subprocess.run(  # noqa: S603 - our own argv
            [wrk_path(), "-v"], capture_output=True, text=True, check=False
        ).stdout
        print(
            f"load: {wrk_version.splitlines()[0] if wrk_version else 'wrk'}, {args.wrk_threads} thread(s)",
            end="",
        )
    else:
        print(
            f"load: httpx {httpx.__version__} AsyncClient in this process (competes with the server for CPU)",
            end="",
        )
    print(
        f", {args.connections} keep-alive connections, {args.duration:g} s per target after {args.warmup:g} s warm-up"
    )

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portal-serve-bench-")))
        env = portal_env(tmp / "data")
        print(seed(env, tmp).replace("\n", "; "))
        restore_pdfs(tmp / "data")
        script = tmp / "report.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        servers = {
            "bare": Server(
                "bare Starlette",
                uvicorn_argv("benchmarks.bare_app:app", free_port(), factory=False, access_log=access_log),
                env,
                tmp,
                tmp / "bare.log",
            ),
            "portal": Server(
                "portal",
                uvicorn_argv("portal.app:create_app", free_port(), factory=True, access_log=access_log),
                env,
                tmp,
                tmp / "portal.log",
            ),
        }
        for server in servers.values():
            stack.callback(server.stop)
            server.start()
        servers["bare"].wait_ready("/")
        servers["portal"].wait_ready("/")
        # Measure once the PDFs are set: until then a render runs beside the server, and
        # the page's ETag changes when its PDF link appears.
        wait_for_pdfs(tmp / "data", versions=3)

        # The ETag names one representation: the plain body's differs from the brotli
        # one's. The conditional request carries the ETag of the encoding it asks for.
        first = httpx.get(servers["portal"].base + VERSION_PATH, headers=BROWSER, timeout=30.0)
        first.raise_for_status()
        etag = first.headers["etag"]
        targets = [
            Target("bare Starlette endpoint", "bare", "/"),
            Target("bare Starlette, fixed 240 KB body (reference)", "bare", "/large"),
            Target(f"GET {VERSION_PATH} (200, plain)", "portal", VERSION_PATH, 200, PLAIN),
            Target(f"GET {VERSION_PATH} (200, br as a browser asks)", "portal", VERSION_PATH, 200, BROWSER),
            Target(
                f"GET {VERSION_PATH} + If-None-Match (304)",
                "portal",
                VERSION_PATH,
                304,
                {**BROWSER, "If-None-Match": etag},
            ),
            Target(f"GET {VERSION_PATH}.json", "portal", VERSION_PATH + ".json"),
            Target(f"GET {VERSION_PATH}/pasal-5/ayat-2", "portal", VERSION_PATH + "/pasal-5/ayat-2"),
        ]

        rows: list[list[str]] = []
        results: list[Result] = []
        for target in targets:
            server = servers[target.server]
            url = server.base + target.path
            check = httpx.get(url, headers=target.headers, timeout=30.0)
            if check.status_code != target.expect:
                raise RuntimeError(f"{url}: expected {target.expect}, got {check.status_code}")

            def load(seconds: float, target: Target = target, url: str = url) -> Result:
                if client == "wrk":
                    return run_wrk(url, target.headers, args.connections, seconds, args.wrk_threads, script)
                return run_httpx(
                    url, target.headers, target.expect, args.connections, seconds, args.max_requests
                )

            load(args.warmup)
            server_before, children_before, self_before = server.cpu_seconds(), children_cpu(), self_cpu()
            result = load(args.duration)
            server_after = server.cpu_seconds()
            if server_before is not None and server_after is not None:
                result.server_cpu = server_after - server_before
            result.client_cpu = (children_cpu() - children_before) + (self_cpu() - self_before)
            results.append(result)
            bare = results[0].rps
            per_request = f"{result.server_cpu / result.requests * 1000:.2f}" if result.server_cpu else "n/a"
            rows.append(
                [
                    target.name,
                    str(check.status_code),
                    f"{len(check.content):,}",
                    f"{result.rps:,.0f}",
                    f"{result.p50_ms:.1f}",
                    f"{result.p95_ms:.1f}",
                    f"{result.p99_ms:.1f}",
                    f"{result.wire_bytes / result.requests:,.0f}" if result.requests else "n/a",
                    f"{result.rps / bare:.3f}" if bare else "n/a",
                    f"{result.server_cpu / result.seconds * 100:.0f}%" if result.server_cpu else "n/a",
                    per_request,
                    f"{(result.client_cpu or 0) / result.seconds * 100:.0f}%",
                    str(result.errors),
                ]
            )
            print(f"  done: {target.name}: {result.rps:,.0f} req/s", file=sys.stderr)

        print()
        headers = [
            "target",
            "status",
            "body bytes",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "bytes/resp",
            "× bare req/s",
        ]
        headers += ["server CPU", "server CPU ms/req", "client CPU", "errors"]
        print(table(headers, rows))
        version = results[2]
        rps_ok = version.rps >= AIM_RPS
        p95_ok = version.p95_ms <= AIM_P95_MS
        print()
        print(
            f"Aim: version page >= {AIM_RPS:,.0f} req/s and p95 <= {AIM_P95_MS:g} ms (1 worker, {args.connections} clients)"
        )
        print(
            f"  measured {version.rps:,.0f} req/s ({'met' if rps_ok else 'NOT met'}), "
            f"p95 {version.p95_ms:.1f} ms ({'met' if p95_ok else 'NOT met'})"
        )
        print(f"calibration loop at the end: {calibration_ms():.0f} ms")
        servers_cpu = sum(server.cpu_seconds() or 0.0 for server in servers.values())
        print(disturbance.line(unwaited=servers_cpu))
        if any(r.errors for r in results):
            print("  note: some requests failed or had an unexpected status (see the errors column)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
