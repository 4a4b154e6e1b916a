"""The README's retro walkthrough (``docs/walkthrough.sh``, shown in full in the README) run
as written, with curl and jq, against a real ``aluzio serve`` on 127.0.0.1 and a real
``aluzio worker`` printing mail to its console, as under ``aluzio dev``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import aluzio_env, free_port, start_aluzio, wait_for

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "docs" / "walkthrough.sh"


def test_the_readme_shows_the_script_in_full() -> None:
    script = SCRIPT.read_text()
    body = script.split("set -euo pipefail\n", 1)[1]
    assert f"```sh\n{body}```" in (ROOT / "README.md").read_text()


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl, jq")
def test_a_whole_retro_through_curl(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = aluzio_env(
        {
            "ALUZIO_DATABASE_URL": database_url,
            "ALUZIO_SECRET_KEY": "e2e-secret-key-that-is-long-enough-0123456789",
            "ALUZIO_HOST": "127.0.0.1",
            "ALUZIO_PORT": str(port),
            "ALUZIO_BASE_URL": base,
            "ALUZIO_DEV": "true",  # plain http, as under `aluzio dev`
            "ALUZIO_MAIL_TRANSPORT": "console",
            "ALUZIO_MAIL_POLL_SECONDS": "1",
        }
    )
    serve_log, mail_log = tmp_path / "serve.log", tmp_path / "dev.log"
    serve = start_aluzio(["serve"], env, cwd=tmp_path, log=serve_log)
    worker = start_aluzio(["worker"], env, cwd=tmp_path, log=mail_log)
    try:
        try:
            wait_for(f"{base}/readyz", timeout=30)
        except TimeoutError:
            pytest.fail(serve_log.read_text(errors="replace"))
        run = subprocess.run(
            ["bash", str(SCRIPT)],
            env={**os.environ, "API": f"{base}/api", "DEV_LOG": str(mail_log)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        for process in (serve, worker):
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=30)
    assert run.returncode == 0, run.stdout + run.stderr + mail_log.read_text(errors="replace")
    lines = run.stdout.splitlines()
    assert '{"myVotes":2,"remainingVotes":3}' in lines
    # Totals revealed in discuss, most votes first.
    assert '[{"title":"Standups","votes":3},{"title":null,"votes":1}]' in lines
    markdown = (tmp_path / "sprint-12.md").read_text()
    assert markdown.startswith("# ")
    for text in ("Sprint 12", "Standups", "Standups ran long", "Timebox to 15 minutes"):
        assert text in markdown
    assert "Try a 15-minute timebox" in markdown
    carried = [line for line in lines if line.startswith('[{"id"') and "timebox" in line]
    assert len(carried) == 2  # the next retro's carried-over items, and Bea's own list
    assert '{"title":"Try a 15-minute timebox","done":true}' in lines
    assert lines[-2:] == ["[]", '[{"title":"Try a 15-minute timebox","done":true}]']
