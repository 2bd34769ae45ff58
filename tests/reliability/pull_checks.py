"""What the reliability tests check after a pull, on the daemon's public port and in its store."""

import hashlib
import json

from hf_expectations import QWEN_COMMIT, TABLE, original_sha256
from http_util import request
from mirrord_proc import json_output
from store_check import check_store


def pull(daemon, target="qwen", timeout=300):
    """(result, stdout + stderr) of `mirrorctl pull TARGET`."""
    result = daemon.ctl("pull", target, timeout=timeout)
    return result, result.stdout + result.stderr


def assert_nothing_served(daemon, repo, paths=None):
    """The repo is unknown on every revision and path, and listed nowhere as published."""
    for rev in ("main", QWEN_COMMIT):
        for path in paths or TABLE[repo]:
            head = request(f"{daemon.public_url}/{repo}/resolve/{rev}/{path}", "HEAD")
            assert (head.status, head.header("X-Error-Code")) == (404, "RepoNotFound"), (
                f"HEAD {rev}/{path}\n{head.describe()}")
    info = request(f"{daemon.public_url}/api/models/{repo}/revision/main")
    assert (info.status, info.header("X-Error-Code")) == (404, "RepoNotFound"), info.describe()
    listing = daemon.ctl("ls", "--json")
    assert listing.returncode == 0, daemon.explain(listing)
    assert not [r for r in json_output(listing)["repos"]
                if r["repo"] == repo and r["state"] == "published"], listing.stdout


def assert_served_intact(daemon, repo, paths=None):
    for path in paths or TABLE[repo]:
        response = request(f"{daemon.public_url}/{repo}/resolve/main/{path}")
        assert response.status == 200, f"{path}: {response.describe()}"
        assert hashlib.sha256(response.body).hexdigest() == original_sha256(repo, path), path


def assert_store_consistent(daemon):
    state = check_store(daemon.state_dir)
    assert not state.problems, "\n".join(state.problems)
    return state


def served_siblings(daemon, repo):
    info = request(f"{daemon.public_url}/api/models/{repo}/revision/main")
    if info.status != 200:
        return None
    return {s["rfilename"] for s in json.loads(info.body)["siblings"]}


def upstream_requests(hub, hops=("resolve", "cdn")):
    """Requests the hub saw for file bytes (not the API)."""
    return [e for e in hub.stats()["log"] if e["hop"] in hops]
