"""`mirrorctl pull` end to end: policy names, ad-hoc targets, idempotence, exit codes, ls/status."""

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fake_hf import FakeHub
from hf_expectations import Q05, Q7, QWEN_COMMIT, REPOS_DIR, TABLE, original_sha256, total_bytes
from http_util import request
from mirrord_proc import (TEST_POLICIES, Mirrord, find_job, json_output, mirrorctl, policy_toml,
                          record_timing)


@pytest.fixture(scope="module")
def env():
    """A fake upstream and a daemon of this module's own, so upstream counts are ours alone."""
    with FakeHub(str(REPOS_DIR)) as hub:
        daemon = Mirrord([hub.url], TEST_POLICIES).start()
        yield hub, daemon
        daemon.cleanup()


def pull(daemon, target, *extra):
    result = daemon.ctl("pull", target, *extra)
    assert result.returncode == 0, daemon.explain(result)
    return result


def listed(daemon, repo):
    result = daemon.ctl("ls", "--json")
    assert result.returncode == 0, daemon.explain(result)
    repos = [r for r in json_output(result)["repos"] if r["repo"] == repo]
    assert len(repos) == 1, f"{repo} listed {len(repos)} times in {result.stdout}"
    return repos[0]


def served_bytes(hub, repo):
    files = hub.stats()["files"]
    return {path: files.get(f"{repo}/{path}", {}).get("body_bytes", 0) for path in TABLE[repo]}


def upstream_file_requests(hub):
    return sum(s["resolve"] + s["cdn"] for s in hub.stats()["files"].values())


def test_pull_by_policy_name_publishes_every_file(env):
    hub, daemon = env
    pull(daemon, "qwen")
    repo = listed(daemon, Q05)
    assert repo["kind"] == "model" and repo["ref"] == "main" and repo["state"] == "published"
    assert (repo["commit"], repo["files"], repo["bytes"]) == (QWEN_COMMIT, 8, total_bytes(Q05))
    assert isinstance(repo["published_at"], int) and repo["published_at"] > 1_600_000_000
    for path, count in served_bytes(hub, Q05).items():
        assert count >= TABLE[Q05][path][0], f"{path} was not fetched in full from upstream"
    served = request(f"{daemon.public_url}/{Q05}/resolve/main/model.safetensors")
    assert served.status == 200
    assert hashlib.sha256(served.body).hexdigest() == original_sha256(Q05, "model.safetensors")


def test_pull_sharded_adhoc_target(env, record_property):
    hub, daemon = env
    started = time.monotonic()
    result = daemon.ctl("pull", "hf:" + Q7)
    elapsed = time.monotonic() - started
    record_property("pull_7b_seconds", round(elapsed, 3))
    record_timing(f"pull hf:{Q7} (cold, 14 files)", elapsed)
    assert result.returncode == 0, daemon.explain(result)
    repo = listed(daemon, Q7)
    assert (repo["commit"], repo["files"], repo["bytes"]) == (QWEN_COMMIT, 14, total_bytes(Q7))
    # Files with the same bytes as the 0.5B repo's may come from the store (stored once).
    for path, count in served_bytes(hub, Q7).items():
        if path not in TABLE[Q05]:
            assert count >= TABLE[Q7][path][0], f"{path} was not fetched in full from upstream"
    assert elapsed < 60


def test_second_pull_is_fast_and_fetches_no_file(env, record_property):
    hub, daemon = env
    pull(daemon, "qwen")
    before = served_bytes(hub, Q05)
    requests_before = upstream_file_requests(hub)
    started = time.monotonic()
    result = pull(daemon, "qwen2.5", "--json")  # the alias names the same policy
    elapsed = time.monotonic() - started
    record_property("second_pull_seconds", round(elapsed, 3))
    record_timing("pull qwen2.5 (already published)", elapsed)
    job = find_job(json_output(result))
    assert job["state"] == "succeeded", result.stdout
    assert job["commit"] == QWEN_COMMIT
    assert served_bytes(hub, Q05) == before, "the second pull fetched file bytes again"
    assert upstream_file_requests(hub) == requests_before
    assert elapsed < 5


def test_unknown_name_exits_4_with_suggestions(env):
    hub, daemon = env
    requests_before = len(hub.stats()["log"])
    result = daemon.ctl("pull", "qwen2")
    assert result.returncode == 4, daemon.explain(result)
    output = (result.stdout + result.stderr).lower()
    assert "did you mean" in output and "qwen" in output, daemon.explain(result)
    assert len(hub.stats()["log"]) == requests_before, "an unknown name must not reach upstream"


def test_repo_missing_upstream_fails_and_publishes_nothing(env):
    _, daemon = env
    result = daemon.ctl("pull", "hf:Nope/none")
    assert result.returncode in (1, 4), daemon.explain(result)
    assert "Nope/none" in result.stdout + result.stderr, daemon.explain(result)
    listing = json_output(daemon.ctl("ls", "--json"))["repos"]
    assert all(r["repo"] != "Nope/none" or r["state"] != "published" for r in listing)
    missing = request(f"{daemon.public_url}/Nope/none/resolve/main/config.json", "HEAD")
    assert (missing.status, missing.header("X-Error-Code")) == (404, "RepoNotFound")


def test_status_json_shape(env):
    _, daemon = env
    result = daemon.ctl("status", "--json")
    assert result.returncode == 0, daemon.explain(result)
    status = json_output(result)
    assert isinstance(status["version"], str) and status["version"]
    assert isinstance(status["started_at"], int) and status["started_at"] > 1_600_000_000
    assert isinstance(status["uptime_s"], (int, float)) and status["uptime_s"] >= 0
    assert status["public_url"] == daemon.public_url
    port = daemon.public_url.rsplit(":", 1)[1]
    assert status["listen"].endswith(":" + port), status["listen"]
    assert os.path.realpath(status["storage_root"]) == os.path.realpath(daemon.state_dir)
    assert isinstance(status["jobs"], list)


def test_policy_include_limits_what_is_fetched_and_served(fresh_hub, make_mirror):
    daemon = make_mirror(fresh_hub, policy_toml("qwen-json", Q05, include=["*.json"]))
    pull(daemon, "qwen-json")
    assert listed(daemon, Q05)["files"] == 4
    weights = request(f"{daemon.public_url}/{Q05}/resolve/main/model.safetensors", "HEAD")
    assert (weights.status, weights.header("X-Error-Code")) == (404, "EntryNotFound")
    assert request(f"{daemon.public_url}/{Q05}/resolve/main/config.json", "HEAD").status == 200
    assert served_bytes(fresh_hub, Q05)["model.safetensors"] == 0


def test_fresh_daemon_lists_nothing_and_stops_on_sigterm(fresh_hub, make_mirror):
    daemon = make_mirror(fresh_hub)
    result = daemon.ctl("ls", "--json")
    assert result.returncode == 0, daemon.explain(result)
    assert json_output(result) == {"repos": []}
    assert daemon.stop() == 0, daemon.log_tail()
    down = daemon.ctl("status", "--json")
    assert down.returncode == 3, daemon.explain(down)


def test_unreachable_daemon_exits_3(tmp_path):
    for args in (("status",), ("pull", "qwen"), ("ls", "--json")):
        result = mirrorctl(tmp_path / "no-such.sock", *args)
        assert result.returncode == 3, (args, result.stdout, result.stderr)
        assert result.stderr.strip(), "say why it failed"


def test_usage_errors_exit_2(env):
    _, daemon = env
    for args in (("frobnicate",), ("pull",)):
        result = daemon.ctl(*args)
        assert result.returncode == 2, daemon.explain(result)


def test_token_goes_to_the_hub_and_never_to_the_cdn(fresh_hub, make_mirror):
    secret = "hf_integrationTestSecret0123456789"
    daemon = make_mirror(fresh_hub, token=secret)
    pull(daemon, "qwen")
    log = fresh_hub.stats()["log"]
    hub_side = [e for e in log if e["hop"] in ("api", "resolve")]
    cdn_side = [e for e in log if e["hop"] == "cdn"]
    assert hub_side and cdn_side
    assert all(e["authorization"] == f"Bearer {secret}" for e in hub_side), hub_side
    assert all(e["authorization"] is None for e in cdn_side), cdn_side
    assert secret not in daemon.log_path.read_text(errors="replace"), "the token was logged"


def test_concurrent_pulls_of_one_target_share_the_download(fresh_hub, make_mirror):
    fresh_hub.add_fault(kind="delay", seconds=1.5, file=f"{Q05}/model.safetensors")
    daemon = make_mirror(fresh_hub)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(daemon.ctl, "pull", "qwen")
        time.sleep(0.3)
        second = pool.submit(daemon.ctl, "pull", "hf:" + Q05)  # the same key, spelled ad hoc
        results = [first.result(), second.result()]
    for result in results:
        assert result.returncode == 0, daemon.explain(result)
    stats = fresh_hub.stats()["files"][f"{Q05}/model.safetensors"]
    assert stats["cdn"] == 1 and stats["body_bytes"] == TABLE[Q05]["model.safetensors"][0], stats
