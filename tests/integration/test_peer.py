"""Mirror-to-mirror federation (README "Federation"): a "national" mirrord pulls from the fake hub
and the fake PyPI; a "regional" one pulls from it with `--from national` or through a policy with
`upstream = "peer:national"`, checking the signed records against the pinned key; a "campus" one
pulls from the regional. Clients get the same bytes everywhere, and the regional mirror never asks
the original upstreams. A peer with another key, or one that serves a tampered blob, is refused
and nothing is published."""

import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fake_pypi import FakePypi
from http_util import get
from hf_expectations import Q05, QWEN_COMMIT, TABLE, original_bytes, original_sha256
from mirrord_proc import TEST_POLICIES, Mirrord, json_output, policy_toml, toml_str
from pypi_helpers import (DEBIAN_PYTHON, explain, make_test_projects, pypi_policy, run_pip,
                          sha256_file)
from test_hub_js import ensure_node_modules, run_hub_check
from test_pypi_pip import daemons  # noqa: F401 (the fixture: mirrords stopped after the test)

# An upstream that answers nothing: where the regional and campus mirrors' own upstreams point.
DEAD_UPSTREAM = "http://127.0.0.1:9"


def ctl_ok(daemon, *args):
    result = daemon.ctl(*args, timeout=300)
    assert result.returncode == 0, daemon.explain(result)
    return result


def manifest_key(daemon):
    return json_output(ctl_ok(daemon, "keys", "manifest", "--json"))["public_key"]


def start_with_peer(daemons, policies, peer_name, peer_url, public_pem, endpoints=(DEAD_UPSTREAM,),
                    extra_config=""):
    """A started mirrord whose config has [peers.PEER_NAME] with the key in a file next to it."""
    daemon = Mirrord(list(endpoints), policies)
    daemons.append(daemon)
    (daemon.base / f"{peer_name}.pem").write_text(public_pem)
    with open(daemon.config_path, "a") as config:
        config.write(f"\n[peers.{peer_name}]\nurl = {toml_str(peer_url)}\n"
                     f'key = "{peer_name}.pem"\n' + extra_config)
    return daemon.start()


def resolved(daemon, path, repo=Q05, revision="main"):
    return get(f"{daemon.public_url}/{repo}/resolve/{revision}/{path}")


def listed_repos(daemon):
    return json_output(ctl_ok(daemon, "ls", "--json"))["repos"]


def other_public_pem(tmp_path):
    private = tmp_path / "other.key"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(private)],
                   check=True, capture_output=True)
    return subprocess.run(["openssl", "pkey", "-in", str(private), "-pubout"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def national(daemons, fresh_hub):
    """A mirror of the fake hub with the tiny Qwen repo published."""
    daemon = Mirrord([fresh_hub.url], TEST_POLICIES).start()
    daemons.append(daemon)
    ctl_ok(daemon, "pull", "--no-progress", "qwen")
    fresh_hub.faults.reset_stats()
    return daemon


def hub_requests(hub):
    return hub.stats()["log"]


def test_pull_from_a_peer_serves_the_same_bytes_and_never_asks_the_hub(daemons, national,
                                                                        fresh_hub, tmp_path):
    # The regional mirror's own hub endpoint is the real fake hub, so a request would be seen.
    regional = start_with_peer(daemons, TEST_POLICIES, "national", national.public_url,
                               manifest_key(national), endpoints=[fresh_hub.url])
    job = json_output(ctl_ok(regional, "pull", "--from", "national", "--json", "qwen"))
    assert job["state"] == "succeeded" and job["commit"] == QWEN_COMMIT, job
    assert job["key"] == f"hf:model:{Q05}@main from peer:national", job
    assert hub_requests(fresh_hub) == [], "the regional mirror asked the original upstream"
    for path in TABLE[Q05]:
        status, body = resolved(regional, path)
        assert status == 200, (path, body[:200])
        assert body == original_bytes(Q05, path), path
        assert body == resolved(national, path)[1], path
    assert resolved(regional, "config.json", revision=QWEN_COMMIT)[0] == 200
    # The original signed manifest travels with the snapshot.
    assert (get(f"{regional.public_url}/api/models/{Q05}/manifest/main")
            == get(f"{national.public_url}/api/models/{Q05}/manifest/main"))
    repo = [r for r in listed_repos(regional) if r["repo"] == Q05]
    assert repo and repo[0]["commit"] == QWEN_COMMIT and repo[0]["ref"] == "main"

    # A campus mirror pulls from the regional one (pinning the regional key): a chain of three.
    campus = start_with_peer(daemons, TEST_POLICIES, "regional", regional.public_url,
                             manifest_key(regional))
    ctl_ok(campus, "pull", "--from", "regional", "--no-progress", "hf:" + Q05)
    for path in TABLE[Q05]:
        assert resolved(campus, path) == (200, original_bytes(Q05, path)), path

    # A stock Hugging Face client (@huggingface/hub) downloads from the campus mirror.
    ensure_node_modules()
    with tempfile.TemporaryDirectory(prefix="mirrord-js-") as cache_dir:
        report = run_hub_check(campus, cache_dir)
    originals = {path: original_sha256(Q05, path) for path in TABLE[Q05]}
    assert report["downloaded"] == originals
    assert report["snapshot"] == originals
    assert hub_requests(fresh_hub) == []


def test_a_policy_with_a_peer_upstream_pulls_and_syncs_from_the_peer(daemons, national, fresh_hub):
    policies = policy_toml("qwen", Q05) + 'upstream = "peer:national"\n'
    regional = start_with_peer(daemons, policies, "national", national.public_url,
                               manifest_key(national), endpoints=[fresh_hub.url])
    policy = json_output(ctl_ok(regional, "policy", "ls", "--json"))["policies"][0]
    assert policy["peer"] == "national"
    ctl_ok(regional, "pull", "--no-progress", "qwen")
    assert resolved(regional, "model.safetensors") == (200, original_bytes(Q05,
                                                                          "model.safetensors"))
    ctl_ok(regional, "sync", "--no-progress", "qwen")  # nothing new: the same snapshot stays
    assert [r["commit"] for r in listed_repos(regional)] == [QWEN_COMMIT]
    assert hub_requests(fresh_hub) == []


def test_an_unknown_peer_is_refused_before_any_job(daemons, national):
    regional = start_with_peer(daemons, TEST_POLICIES, "national", national.public_url,
                               manifest_key(national))
    result = regional.ctl("pull", "--from", "nationl", "qwen")
    assert result.returncode == 4, regional.explain(result)
    assert "no peer 'nationl'" in result.stderr and '["national"]' in result.stderr
    policies = policy_toml("qwen", Q05) + 'upstream = "peer:elsewhere"\n'
    other = start_with_peer(daemons, policies, "national", national.public_url,
                            manifest_key(national))
    result = other.ctl("pull", "--no-progress", "qwen")
    assert result.returncode == 1, other.explain(result)
    assert "[peers.elsewhere]" in result.stderr + result.stdout


def test_a_peer_whose_key_is_not_the_pinned_one_is_refused(daemons, national, tmp_path):
    regional = start_with_peer(daemons, TEST_POLICIES, "national", national.public_url,
                               other_public_pem(tmp_path))
    result = regional.ctl("pull", "--from", "national", "--no-progress", "qwen", timeout=300)
    assert result.returncode == 1, regional.explain(result)
    assert "is refused" in result.stderr + result.stdout, regional.explain(result)
    assert listed_repos(regional) == []
    assert resolved(regional, "config.json")[0] == 404


class RelayProxy:
    """Forwards GETs to a mirror and misbehaves with blobs larger than `min_size` bytes:
    "tamper" flips one byte of each (a peer that serves bytes other than its signed records
    promise); "cut" sends only the first half of the first one and drops the connection."""

    def __init__(self, target_url, mode, min_size=1000):
        self.target_url = target_url
        self.mode = mode
        self.min_size = min_size
        self.altered = []  # paths of the blobs tampered with or cut
        self.ranges = []   # Range headers of blob requests
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                status, headers, body = proxy.forward(self.path, self.headers.get("Range"))
                is_blob = self.path.startswith("/api/mirror/blobs/")
                if is_blob:
                    proxy.ranges.append(self.headers.get("Range"))
                alter = is_blob and len(body) > proxy.min_size
                cut = alter and proxy.mode == "cut" and not proxy.altered
                if alter and proxy.mode == "tamper":
                    body = bytes([body[0] ^ 0xFF]) + body[1:]
                if alter and (cut or proxy.mode == "tamper"):
                    proxy.altered.append(self.path)
                self.send_response(status)
                for name in ("Content-Type", "Content-Range", "ETag", "X-Error-Message"):
                    if headers.get(name):
                        self.send_header(name, headers[name])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:len(body) // 2] if cut else body)
                if cut:
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def forward(self, path, range_header):
        request = urllib.request.Request(self.target_url + path)
        if range_header:
            request.add_header("Range", range_header)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_peer_serving_a_tampered_blob_publishes_nothing(daemons, national):
    proxy = RelayProxy(national.public_url, "tamper")
    try:
        regional = start_with_peer(daemons, TEST_POLICIES, "national", proxy.url,
                                   manifest_key(national))
        result = regional.ctl("pull", "--from", "national", "--no-progress", "qwen", timeout=300)
    finally:
        proxy.close()
    assert proxy.altered, "the proxy relayed no blob"
    assert result.returncode == 1, regional.explain(result)
    assert "nothing was published" in result.stderr + result.stdout, regional.explain(result)
    assert listed_repos(regional) == []
    for path in ("config.json", "model.safetensors"):
        assert resolved(regional, path)[0] == 404, path


def test_a_broken_blob_transfer_resumes_with_range(daemons, national):
    proxy = RelayProxy(national.public_url, "cut", min_size=100000)
    try:
        regional = start_with_peer(daemons, TEST_POLICIES, "national", proxy.url,
                                   manifest_key(national))
        ctl_ok(regional, "pull", "--from", "national", "--no-progress", "qwen")
    finally:
        proxy.close()
    assert len(proxy.altered) == 1, proxy.altered
    size = TABLE[Q05]["model.safetensors"][0]
    assert f"bytes={size // 2}-" in proxy.ranges, proxy.ranges
    assert resolved(regional, "model.safetensors") == (200, original_bytes(Q05,
                                                                          "model.safetensors"))


def test_pypi_through_a_peer_to_pip(daemons, tmp_path):
    with FakePypi("json", make_test_projects()) as upstream:
        policies = pypi_policy("pypi-test", upstream.index_url, ["tinypkg", "tinyapp"])
        national = Mirrord([DEAD_UPSTREAM], policies).start()
        daemons.append(national)
        ctl_ok(national, "pull", "--no-progress", "pypi-test")
        asked = len(upstream.requests())
        # The same policy name on the regional mirror, pulled from the national one.
        regional = start_with_peer(daemons, policies.rstrip("\n") + '\nupstream = "peer:national"\n',
                                   "national", national.public_url, manifest_key(national))
        ctl_ok(regional, "pull", "--no-progress", "pypi-test")
        assert len(upstream.requests()) == asked, "the regional mirror asked the PyPI upstream"
        upstream_files = {d.filename: d for ds in upstream.projects.values() for d in ds}

    downloads = tmp_path / "downloads"
    index = f"{regional.public_url}/pypi/pypi-test/simple/"
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--only-binary", ":all:",
                  "--index-url", index, "-d", str(downloads), "tinypkg==2.0", "tinyapp")
    assert got.returncode == 0, explain(got)
    names = sorted(p.name for p in downloads.iterdir())
    assert names == ["tinyapp-1.0-py3-none-any.whl", "tinypkg-2.0-py3-none-any.whl"]
    for path in downloads.iterdir():
        assert sha256_file(path) == upstream_files[path.name].sha256, path.name
    target = tmp_path / "site"
    got = run_pip(DEBIAN_PYTHON, "install", "--target", str(target), "--index-url", index,
                  "tinyapp")
    assert got.returncode == 0, explain(got)
    assert Path(target / "tinypkg").exists()
