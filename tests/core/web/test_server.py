"""``guildhall web`` as a real process: warns that login is not configured, migrates,
serves, stops cleanly on SIGTERM; a configured login gives no warning."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from pydantic import SecretStr

from core.web.login_config import login_warning, missing_login
from core.web.settings import WebSettings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_guildhall_web_serves_and_stops(tmp_path: Path) -> None:
    port = _free_port()
    (tmp_path / "config.toml").write_text("# defaults\n")
    env = {**os.environ, "GUILDHALL_DATABASE__URL": f"sqlite://{tmp_path / 'gh.db'}",
           "GUILDHALL_CONFIG": str(tmp_path / "config.toml"),
           "GUILDHALL_DISCORD__API_BASE": "http://127.0.0.1:9/api/v10",
           "GUILDHALL_CLUSTER__STATUS_DIRECTORY": str(tmp_path / "status")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from core.cli import main; main()", "web", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.1)
        assert status == 200 and "Login with Discord" in body
        assert _get(f"http://127.0.0.1:{port}/g/1/leaderboard")[0] == 404
        login = _get(f"http://127.0.0.1:{port}/login")
        assert login[0] == 503 and "client_id" in login[1]
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert f"http://127.0.0.1:{port}" in out
        assert "warning: dashboard login is not configured" in err
        assert err.count("dashboard login is not configured") == 1  # said once
        assert "[web] client_id" in err and "GUILDHALL_WEB__CLIENT_SECRET" in err
        assert "[web] public_url" in err
        assert (tmp_path / "gh.db").exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_configured_login_gives_no_warning() -> None:
    configured = WebSettings(client_id="123", client_secret=SecretStr("s3cret"),
                             public_url="https://bot.example.org")
    assert login_warning(configured) is None
    partly = configured.model_copy(update={"public_url": ""})
    assert missing_login(partly) == [
        "[web] public_url (the address users open; register <public_url>/auth/callback "
        "as the OAuth2 redirect)"]
