"""Scheduled syncs and `mirrorctl sync` against the real daemon and the fake hub."""

import http.client
import json
import socket
import time

from mirrord_proc import json_output
from moving_repo import REPO, SHARD_KEY, download, gc_hub, policy, set_revision  # noqa: F401

NO_JITTER = '\n[schedule]\njitter = "0"\n'
PLAN_PATH = f"/api/models/{REPO}/revision/main"


def wait_for(condition, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def plan_requests(hub):
    return [e for e in hub.stats()["log"] if e["path"] == PLAN_PATH]


def active_jobs(daemon):
    status = daemon.ctl("status", "--json")
    assert status.returncode == 0, daemon.explain(status)
    return [job for job in json_output(status)["jobs"] if job["target"] == "rolling"]


def test_scheduled_policy_syncs_by_itself(gc_hub, make_mirror):
    _, shard = set_revision(gc_hub, 1)
    daemon = make_mirror(gc_hub, policy('schedule = "1s"'), extra_config=NO_JITTER)
    # Nobody pulls: the scheduler does, and again a second later.
    wait_for(lambda: len(plan_requests(gc_hub)) >= 2, 30, "two scheduled syncs upstream")
    assert download(daemon, "main") == shard
    status = daemon.ctl("status")
    assert status.returncode == 0, daemon.explain(status)
    assert "schedules:" in status.stdout and "rolling" in status.stdout, status.stdout
    schedules = json_output(daemon.ctl("status", "--json"))["schedules"]
    assert [s["target"] for s in schedules] == ["rolling"]
    assert schedules[0]["schedule"] == "1s"
    assert schedules[0]["last_run_at"] > 0
    assert schedules[0]["next_run_at"] >= schedules[0]["last_run_at"]


def test_two_syncs_of_one_target_never_overlap(gc_hub, make_mirror):
    _, shard = set_revision(gc_hub, 1)
    gc_hub.add_fault(kind="delay", file=SHARD_KEY, seconds=3)
    daemon = make_mirror(gc_hub, policy('schedule = "1s"'), extra_config=NO_JITTER)
    running = wait_for(lambda: active_jobs(daemon), 15, "the scheduled sync to start")
    scheduled_id = running[0]["id"]

    # A manual sync while the scheduled one runs joins it.
    result = daemon.ctl("sync", "rolling", "--json")
    assert result.returncode == 0, daemon.explain(result)
    assert json_output(result)["id"] == scheduled_id

    # The scheduler keeps ticking every second meanwhile; never two jobs of the target at once.
    deadline = time.time() + 2
    while time.time() < deadline:
        assert len(active_jobs(daemon)) <= 1
        time.sleep(0.1)
    fetched = [e for e in gc_hub.stats()["log"] if e["file"] == SHARD_KEY and e["status"] == 200]
    assert len(fetched) == 1, "the shard was fetched once, by one sync"
    assert download(daemon, "main") == shard


def test_sync_without_target_runs_every_scheduled_policy(gc_hub, make_mirror):
    _, shard = set_revision(gc_hub, 1)
    daemon = make_mirror(gc_hub, policy('schedule = "weekly"') +
                         '\n[[mirror]]\nname = "unscheduled"\nsource = "hf"\n'
                         'repo = "Qwen/none"\n')
    result = daemon.ctl("sync")
    assert result.returncode == 0, daemon.explain(result)
    assert "rolling" in result.stdout and "unscheduled" not in result.stdout
    assert download(daemon, "main") == shard
    schedules = json_output(daemon.ctl("status", "--json"))["schedules"]
    assert schedules[0]["last_run_at"] > 0 and schedules[0]["last_job_id"] > 0


def test_sync_of_an_unknown_target_exits_4(gc_hub, make_mirror):
    daemon = make_mirror(gc_hub, policy())
    result = daemon.ctl("sync", "rollin")
    assert result.returncode == 4, daemon.explain(result)
    assert "rolling" in result.stderr


def admin_request(daemon, method, path, body):
    """One raw request to the admin API on its Unix socket: (status, JSON answer)."""
    class UnixConnection(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(str(daemon.admin_socket))

    connection = UnixConnection("mirrord", timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_malformed_operations_requests_get_400_and_the_daemon_keeps_serving(gc_hub, make_mirror):
    daemon = make_mirror(gc_hub, policy())
    for path, body in (("/v1/gc", '{"dry_run": "yes"}'), ("/v1/gc", "[1]"),
                       ("/v1/syncs", '{"target": 5}'), ("/v1/syncs", "not json")):
        status, answer = admin_request(daemon, "POST", path, body)
        assert status == 400, (path, body, answer)
        assert "error" in answer
    status, _ = admin_request(daemon, "GET", "/v1/gc", None)
    assert status == 405
    status, answer = admin_request(daemon, "GET", "/v1/schedules", None)
    assert status == 200 and answer == {"schedules": []}
    assert daemon.ctl("status").returncode == 0
