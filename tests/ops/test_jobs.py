"""`portal jobs` (the indexer and the mail sender in a process of their own) and the
supervision `portal serve` gives it: started again when it ends, stopped with the server.
That the work itself is done, through kills, is tested in ``test_kill.py``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from portal.commands.jobs import JobsProcess


class Quick(JobsProcess):
    RESTART_MIN = 0.05
    RESTART_MAX = 0.2


def test_the_jobs_process_is_started_again_when_it_ends_and_stopped_with_the_server() -> None:
    spawned: list[subprocess.Popen[bytes]] = []

    def spawn(env: dict[str, str]) -> subprocess.Popen[bytes]:
        code = "raise SystemExit(3)" if len(spawned) < 2 else "import time; time.sleep(60)"
        spawned.append(subprocess.Popen([sys.executable, "-c", code], env=env))
        return spawned[-1]

    jobs = Quick(dict(os.environ), spawn)
    jobs.start()
    deadline = time.monotonic() + 20
    while len(spawned) < 3 or spawned[-1].poll() is not None:
        assert time.monotonic() < deadline, [p.returncode for p in spawned]
        time.sleep(0.05)
    assert [p.returncode for p in spawned[:2]] == [3, 3]  # ended twice, started each time again
    jobs.stop(grace=10)
    assert spawned[-1].returncode == -signal.SIGTERM  # the running one stopped with the server
    assert not jobs.thread.is_alive()
    assert len(spawned) == 3  # and not started again after the stop


def test_portal_jobs_runs_until_sigterm_and_ends_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path / "data")}
    env.pop("PORTAL_DATABASE_URL", None)
    log = tmp_path / "jobs.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "portal", "jobs", "--nice", "1"],
            env=env,
            stdout=out,
            stderr=out,
            cwd=tmp_path,
        )
        try:
            deadline = time.monotonic() + 60
            while "background jobs started" not in log.read_text():
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert code == 0, log.read_text()
    assert "background jobs stopped" in log.read_text()
    assert (tmp_path / "data" / "portal.sqlite3").exists()  # it migrated the database it works on
