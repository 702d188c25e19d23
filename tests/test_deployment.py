"""The deployment the README describes, run for real: gunicorn with several workers behind a
TLS-terminating proxy (its X-Forwarded-* headers), PostgreSQL or SQLite via DATABASE_URL, the
HTTPS origin for WebAuthn. Readiness, HSTS and the Secure cookie over the proxy's HTTPS, request
ids, JSON logs on stderr with no token and no ID number in them, and rate limits per caller,
not per proxy, counted in Redis across the workers."""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import SECRET, has_id_number, http_json, person

ROOT = Path(__file__).resolve().parents[1]


def request(url: str, headers: dict, method: str = "GET", body=None):
    req = urllib.request.Request(url, method=method,
                                 headers={"Content-Type": "application/json", **headers},
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.mark.slow
def test_gunicorn_behind_a_tls_proxy_as_the_readme_deploys_it(app, auth, tmp_path):
    from tests.api.test_sync_crash import free_port

    port = free_port()
    env = os.environ | {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                        "LABORPASS_INSTANCE_DIR": app.config["LABORPASS_INSTANCE_DIR"],
                        "LABORPASS_ORIGIN": "https://laborpass.example.cn",
                        "LABORPASS_RP_ID": "laborpass.example.cn",
                        "LABORPASS_PROXY_HOPS": "1",
                        "LABORPASS_RATELIMIT_STORAGE": "redis://127.0.0.1:6379"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "server:create_app()", "init-db"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b",
                                   f"127.0.0.1:{port}",
                                   "server:create_app()"], cwd=ROOT, env=env,
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=stderr)
    base, proxy = f"http://127.0.0.1:{port}", {"X-Forwarded-Proto": "https",
                                               "X-Forwarded-Host": "laborpass.example.cn"}
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(f"{base}/api/health/ready", proxy)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(log.read_text())

        status, headers = request(f"{base}/api/health/ready",
                                  proxy | {"X-Request-ID": "nginx-0a1b2c3d"})
        assert status == 200 and headers["X-Request-ID"] == "nginx-0a1b2c3d"
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        # plain HTTP: none
        assert "Strict-Transport-Security" not in request(f"{base}/api/health", {})[1]

        status, body = http_json("POST", f"{base}/api/workers", person(7),
                                 token=auth.tokens["county"])
        assert status == 201, body

        # the sign-in ceremony's limit counts per caller (X-Forwarded-For), not for the proxy as a
        # whole Redis outlives this test run
        caller = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
        first = proxy | {"X-Forwarded-For": caller, "Origin": "https://laborpass.example.cn"}
        statuses = [request(f"{base}/api/auth/login/options", first, "POST", {})[0]
                    for _ in range(31)]
        assert statuses[:30] == [200] * 30 and statuses[30] == 429
        other = first | {"X-Forwarded-For": caller + "1"}
        assert request(f"{base}/api/auth/login/options", other, "POST", {})[0] == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if "path" in line]
    assert {"/api/health/ready", "/api/workers", "/api/auth/login/options"} <= {
        line["path"] for line in requests
    }
    assert any(line["request_id"] == "nginx-0a1b2c3d" for line in requests)
    assert all(re.fullmatch(r"[\w.-]{8,64}", line["request_id"]) for line in requests)
    text = log.read_text()
    assert not has_id_number(text) and not SECRET.search(text) and person(7)["phone"] not in text
