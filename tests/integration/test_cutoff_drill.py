"""The cut-off drill (README "When the outside is cut off"): a mirror holding a model, a PyPI
project and an apt suite in resign mode loses every upstream, upstream's Release expires, the
operator runs the playbook, and every stock client keeps working on what is mirrored.

Two variants: the upstreams just vanish (the fake servers stop, mirrord is left as it was), or
mirrord is first restarted with `--offline` (its pulls must then reach no upstream, still up)
and the upstreams vanish after. Every answer the clients get passes through a recording proxy,
and none may hold an upstream's host:port.
"""

import hashlib
import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from apt_fixtures import POLICY as APT_POLICY, SUITE, Upstream, apt_policy
from apt_isolated import explain as explain_apt
from fake_hf import FakeHub
from fake_pypi import FakePypi
from hf_expectations import Q05, QWEN_COMMIT, REPOS_DIR, TABLE, original_sha256
from mirrord_proc import Mirrord, json_output, policy_toml, report_line, toml_str
from pypi_helpers import DEBIAN_PYTHON, explain as explain_pip, make_test_projects, pypi_policy
from pypi_helpers import run_pip, sha256_file
from recording_proxy import RecordingProxy
from test_hub_js import ensure_node_modules, run_hub_check

SECTION = "cut-off drill"
PYPI_POLICY = "pypi-drill"
PYPI_PROJECTS = ["tinypkg", "tinyapp"]
UPSTREAM_VALID_S = 8  # upstream's Release expires this long after the first pull's publish
UNMIRRORED = "someone/not-mirrored"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def host_port(url):
    return urllib.parse.urlsplit(url).netloc


class Drill:
    """The upstreams, the proxy and the daemon of one run, and what it reports."""

    def __init__(self, variant):
        self.variant = variant
        self.hub = FakeHub(str(REPOS_DIR)).start()
        self.pypi = FakePypi("json", make_test_projects()).__enter__()
        self.apt = Upstream()
        self.proxy = RecordingProxy()
        self.addresses = sorted({host_port(url) for url in (
            self.hub.url, self.hub.cdn_url, self.pypi.url, self.pypi.files_url, self.apt.url)})
        self.mirror = None
        self.mirror_key = None  # `mirrorctl keys export`, as the playbook keeps it
        self.deb = None  # the package of the apt suite
        self.pypi_running = True
        self.checked = []

    def upstream_requests(self):
        """How many requests each fake upstream has received."""
        return {"hub": len(self.hub.stats()["log"]), "pypi": len(self.pypi.log),
                "apt": len(self.apt.server.requests)}

    def start_mirror(self):
        policies = (policy_toml("qwen", Q05) + "\n"
                    + pypi_policy(PYPI_POLICY, self.pypi.index_url, PYPI_PROJECTS) + "\n"
                    + apt_policy(self.apt, "resign"))
        mirror = Mirrord([self.hub.url], policies)
        port = free_port()
        config = mirror.config_path.read_text()
        config = config.replace('listen = "127.0.0.1:0"', f'listen = "127.0.0.1:{port}"')
        config = config.replace('public_url = ""', f"public_url = {toml_str(self.proxy.url)}")
        mirror.config_path.write_text(config)
        self.proxy.target = ("127.0.0.1", port)
        self.mirror = mirror.start()

    def step(self, what, started):
        seconds = time.monotonic() - started
        self.checked.append(f"{what}: {seconds:.2f} s")
        return seconds

    def cut_off(self):
        """Every upstream becomes unreachable: connections are refused."""
        self.hub.stop()
        if self.pypi_running:
            self.pypi.__exit__(None, None, None)
            self.pypi_running = False
        self.apt.server.stop()

    def close(self):
        if self.mirror is not None:
            self.mirror.cleanup()
        self.proxy.close()
        self.cut_off()
        self.apt.close()


@pytest.fixture(params=["unreachable", "offline"])
def drill(request):
    run = Drill(request.param)
    yield run
    run.close()


def ctl_ok(mirror, *args):
    result = mirror.ctl(*args)
    assert result.returncode == 0, mirror.explain(result)
    return result


# No proxy from the environment: the recording proxy is the only one.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url, method="GET", data=None, headers=None):
    """(status, headers, body); an HTTP error status is a value."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with DIRECT.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# -- before the cut-off: mirror, and keep what the playbook needs ---------------------------------

def mirror_everything(drill):
    """Upstream's Release is valid for UPSTREAM_VALID_S more seconds; returns when it expires."""
    drill.deb = drill.apt.repo.add_package("hello", "1.0")
    published = time.time()
    drill.apt.repo.publish(SUITE, date=published - 2, valid_for=UPSTREAM_VALID_S + 2)
    drill.start_mirror()
    started = time.monotonic()
    for target in ("qwen", PYPI_POLICY, APT_POLICY):
        ctl_ok(drill.mirror, "pull", "--no-progress", target)
    drill.step("mirrored the model, the PyPI projects and the apt suite", started)
    drill.mirror_key = ctl_ok(drill.mirror, "keys", "export").stdout
    status = ctl_ok(drill.mirror, "status")
    assert "OFFLINE" not in status.stdout
    assert json_output(ctl_ok(drill.mirror, "status", "--json"))["offline"] is False
    return published + UPSTREAM_VALID_S


# -- during: the playbook --------------------------------------------------------------------------

def go_offline(drill):
    started = time.monotonic()
    drill.mirror.stop()
    drill.mirror.args = ["--offline"]
    drill.mirror.start()
    drill.step("restarted with --offline", started)
    status = ctl_ok(drill.mirror, "status")
    assert "OFFLINE" in status.stdout, drill.mirror.explain(status)
    assert json_output(ctl_ok(drill.mirror, "status", "--json"))["offline"] is True


def pull_fails_fast(drill, target, *fragments):
    started = time.monotonic()
    result = drill.mirror.ctl("pull", "--no-progress", target)
    seconds = drill.step(f"pull {target} (fails at once)", started)
    assert result.returncode != 0, drill.mirror.explain(result)
    for fragment in fragments:
        assert fragment in result.stdout + result.stderr, drill.mirror.explain(result)
    return result, seconds


def re_sign_apt(drill, expired_at):
    """The daily playbook step: a sync of the apt entry re-signs the held snapshot."""
    time.sleep(max(0.0, expired_at - time.time()) + 1.1)  # past upstream's Valid-Until
    before = fetch(f"{drill.proxy.url}/apt/{APT_POLICY}/dists/{SUITE}/InRelease")[2]
    started = time.monotonic()
    result = drill.mirror.ctl("sync", "--no-progress", APT_POLICY)
    seconds = drill.step(f"sync {APT_POLICY} (re-signed the held snapshot)", started)
    assert result.returncode != 0, drill.mirror.explain(result)
    message = result.stdout + result.stderr
    assert "re-signed the held snapshot" in message, drill.mirror.explain(result)
    if drill.variant == "offline":
        assert "offline:" in message and seconds < 5, drill.mirror.explain(result)
    after = fetch(f"{drill.proxy.url}/apt/{APT_POLICY}/dists/{SUITE}/InRelease")[2]
    assert after != before
    valid_until = next(line for line in after.decode().splitlines()
                       if line.startswith("Valid-Until: "))
    report_line(SECTION, f"[{drill.variant}] upstream's Valid-Until passed "
                f"{time.time() - expired_at:.1f} s ago; re-signed InRelease {valid_until}")


# -- the clients ------------------------------------------------------------------------------------

def hf_flow(drill):
    """What huggingface_hub does for a download: revision info, HEAD on resolve, tree,
    paths-info, then GET of every file, byte for byte the originals."""
    started = time.monotonic()
    base = drill.proxy.url
    status, _, body = fetch(f"{base}/api/models/{Q05}/revision/main")
    assert status == 200 and json.loads(body)["sha"] == QWEN_COMMIT
    status, headers, _ = fetch(f"{base}/{Q05}/resolve/main/config.json", method="HEAD")
    assert status == 200 and headers["X-Repo-Commit"] == QWEN_COMMIT
    status, _, body = fetch(f"{base}/api/models/{Q05}/tree/main?recursive=true")
    listed = {entry["path"] for entry in json.loads(body) if entry["type"] == "file"}
    assert status == 200 and listed == set(TABLE[Q05])
    form = urllib.parse.urlencode([("paths", p) for p in sorted(listed)] + [("expand", "true")])
    status, _, body = fetch(f"{base}/api/models/{Q05}/paths-info/{QWEN_COMMIT}",
                            method="POST", data=form.encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and {entry["path"] for entry in json.loads(body)} == listed
    for path in sorted(listed):
        status, _, data = fetch(f"{base}/{Q05}/resolve/{QWEN_COMMIT}/{path}")
        assert status == 200
        assert hashlib.sha256(data).hexdigest() == original_sha256(Q05, path), path
    status, headers, _ = fetch(f"{base}/{Q05}/resolve/main/no-such-file.json", method="HEAD")
    assert status == 404 and headers["X-Error-Code"] == "EntryNotFound"
    assert headers["X-Repo-Commit"] == QWEN_COMMIT
    drill.step(f"HF flow: revision, HEAD, tree, paths-info, {len(listed)} files, EntryNotFound",
               started)


def unmirrored_hf(drill):
    """Offline, a repo or revision the mirror lacks may exist upstream: 503 with Retry-After.
    Online, the mirror's answer stays RepoNotFound."""
    base = drill.proxy.url
    for url in (f"{base}/api/models/{UNMIRRORED}", f"{base}/{UNMIRRORED}/resolve/main/config.json",
                f"{base}/{Q05}/resolve/no-such-branch/config.json"):
        for method in ("GET", "HEAD"):
            status, headers, _ = fetch(url, method=method)
            if drill.variant == "offline":
                assert status == 503, (method, url, status)
                assert headers["Retry-After"] and "offline" in headers["X-Error-Message"]
            elif UNMIRRORED in url:
                assert status == 404 and headers["X-Error-Code"] == "RepoNotFound"
    answer = "503 + Retry-After" if drill.variant == "offline" else "404 RepoNotFound"
    drill.checked.append(f"unmirrored repo and revision: {answer}")


def hub_js(drill, tmp_path):
    ensure_node_modules()
    started = time.monotonic()
    report = run_hub_check(drill.mirror, str(tmp_path / "js-cache"))
    originals = {path: original_sha256(Q05, path) for path in TABLE[Q05]}
    assert report["downloaded"] == originals and report["snapshot"] == originals
    assert report["missing"] is None, "a missing file must come back as null (EntryNotFound)"
    elsewhere = [r["url"] for r in report["requests"] if not r["url"].startswith(drill.proxy.url)]
    assert not elsewhere, f"requests that went past the proxy: {elsewhere}"
    drill.step(f"@huggingface/hub downloadFile + snapshotDownload ({len(report['requests'])} "
               "requests)", started)


def pip_works(drill, tmp_path):
    started = time.monotonic()
    index = f"{drill.proxy.url}/pypi/{PYPI_POLICY}/simple/"
    downloads = tmp_path / "pip-downloads"
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--only-binary", ":all:",
                  "--index-url", index, "-d", str(downloads), "tinypkg==2.0")
    assert got.returncode == 0, explain_pip(got)
    wheel = downloads / "tinypkg-2.0-py3-none-any.whl"
    expected = {d.filename: d.sha256 for d in drill.pypi.projects["tinypkg"]}
    assert sha256_file(wheel) == expected[wheel.name]
    got = run_pip(DEBIAN_PYTHON, "install", "--target", str(tmp_path / "site"), "--index-url",
                  index, "tinyapp")
    assert got.returncode == 0, explain_pip(got)
    check = subprocess.run([DEBIAN_PYTHON, "-c", "import tinyapp, tinypkg; print(tinypkg.VERSION)"],
                           capture_output=True, text=True, env={"PYTHONPATH": str(tmp_path / "site")})
    assert check.stdout.strip() == "2.0", check
    drill.step("pip download tinypkg==2.0 + install tinyapp (with its dependency)", started)


def apt_works(drill):
    started = time.monotonic()
    client = drill.apt.client()
    key = client.keyring_path("mirror.asc", drill.mirror_key)
    client.set_source(f"{drill.proxy.url}/apt/{APT_POLICY}", SUITE, [key])
    update = client.update()
    assert update.returncode == 0 and "E:" not in update.stdout + update.stderr, explain_apt(update)
    download = client.download("hello")
    assert download.returncode == 0, explain_apt(download)
    got = client.base / "downloads" / drill.deb.name
    assert got.read_bytes() == drill.deb.read_bytes()
    drill.step("apt-get update (Check-Valid-Until on, mirror key only) + download hello", started)


def nothing_names_an_upstream(drill):
    addresses = drill.addresses
    # The search sees headers and bodies: the commit is in X-Repo-Commit and in JSON bodies.
    assert {r.method for r, _ in drill.proxy.containing([QWEN_COMMIT.encode()])} >= {"HEAD", "GET"}
    leaks = drill.proxy.containing([a.encode() for a in addresses])
    assert not leaks, "answers of the mirror naming an upstream:\n" + "\n".join(
        f"{r.method} {r.path} -> {r.status_line}: holds {n.decode()}" for r, n in leaks[:20])
    drill.checked.append(f"{len(drill.proxy.records)} answers recorded (status lines, headers, "
                         f"bodies): none names an upstream of {', '.join(addresses)}")


def offline_contacts_nobody(drill):
    """With the upstreams still up, an offline mirror's pulls fail at once and reach none of them;
    the apt pull re-signs the held snapshot."""
    go_offline(drill)
    before = drill.upstream_requests()
    for target in ("qwen", PYPI_POLICY):
        _, seconds = pull_fails_fast(drill, target, "the mirror is offline", "no upstream contacted")
        assert seconds < 5
    pull_fails_fast(drill, APT_POLICY, "offline:", "not contacted", "re-signed the held snapshot")
    started = time.monotonic()
    synced = drill.mirror.ctl("sync", "--no-progress", "qwen")  # what a schedule runs
    assert synced.returncode != 0, drill.mirror.explain(synced)
    assert "the mirror is offline" in synced.stdout + synced.stderr, drill.mirror.explain(synced)
    assert drill.step("sync qwen (fails at once)", started) < 5
    assert drill.upstream_requests() == before
    drill.checked.append(f"upstreams up, mirror offline: no request reached them ({before})")


def test_cutoff_drill(drill, tmp_path):
    expired_at = mirror_everything(drill)
    if drill.variant == "offline":
        offline_contacts_nobody(drill)
    drill.cut_off()
    re_sign_apt(drill, expired_at)
    hf_flow(drill)
    hub_js(drill, tmp_path)
    pip_works(drill, tmp_path)
    apt_works(drill)
    unmirrored_hf(drill)
    nothing_names_an_upstream(drill)
    report_line(SECTION, f"[{drill.variant}] upstreams stopped"
                + (" after a restart with --offline" if drill.variant == "offline" else ""))
    for line in drill.checked:
        report_line(SECTION, f"[{drill.variant}]   {line}")
