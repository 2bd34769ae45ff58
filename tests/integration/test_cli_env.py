"""`mirrorctl env TARGET` against the real daemon: the settings it prints are run as printed by the
stock clients (git and git-lfs, pip, apt-get) against mirrored fixtures, so a wrong URL layout,
variable or sources line fails here. Also `policy names`/`ls` and GET /v1/policy."""

import http.client
import json
import os
import shlex
import socket
import subprocess
import time
import urllib.request

from apt_fixtures import (HOUR, POLICY, SUITE, assert_apt_gets,  # noqa: F401
                          make_apt_mirror, pull_ok, upstream)
from fake_git import FakeGitUpstream
from fake_pypi import FakePypi
from git_repos import LFS_FILE, GitEnv, make_demo_repo
from hf_expectations import Q05, REPOS_DIR
from mirrord_proc import json_output, toml_str
from pypi_helpers import (DEBIAN_PYTHON, explain, make_test_projects, pypi_policy, run_pip,
                          start_mirror)
from test_pypi_pip import daemons  # noqa: F401 (a fixture: started daemons, cleaned up)

MIRROR_KEY_PATH = "/etc/apt/keyrings/mirrord.asc"


def env_setup(daemon, target, *extra):
    result = daemon.ctl("env", target, "--json", *extra)
    assert result.returncode == 0, daemon.explain(result)
    return json_output(result)


def run_printed(command, env, cwd):
    """Runs a printed command line with bash, as a user pasting it would."""
    result = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"
    return result


def test_hf_endpoint_and_git_clone_work_as_printed(pulled_mirror, tmp_path):
    setup = env_setup(pulled_mirror, "qwen")
    assert setup["source"] == "hf" and setup["policy"] == "qwen"
    endpoint = setup["env"]["HF_ENDPOINT"]
    assert endpoint == pulled_mirror.public_url
    # What huggingface_hub asks under HF_ENDPOINT: the repo info, then resolve.
    with urllib.request.urlopen(f"{endpoint}/api/models/{Q05}", timeout=30) as response:
        assert json.load(response)["id"] == Q05
    with urllib.request.urlopen(f"{endpoint}/{Q05}/resolve/main/config.json", timeout=30) as got:
        assert got.read() == (REPOS_DIR / Q05 / "config.json").read_bytes()
    assert f"hf download {Q05}" in [c["command"] for c in setup["commands"]]

    # The git line, run as printed (git lfs install, then the clone with the weights).
    clone_line = setup["commands"][-1]["command"]
    assert clone_line == f"git lfs install && git clone {pulled_mirror.public_url}/{Q05}"
    git = GitEnv(tmp_path / "home")
    run_printed(clone_line, git.env, tmp_path)
    clone = tmp_path / Q05.split("/")[1]
    assert ((clone / "model.safetensors").read_bytes()
            == (REPOS_DIR / Q05 / "model.safetensors").read_bytes())


def test_text_form_is_safe_to_eval_and_public_url_overrides(pulled_mirror):
    text = pulled_mirror.ctl("env", "qwen2.5")
    assert text.returncode == 0, pulled_mirror.explain(text)
    shell = subprocess.run(["bash", "-c", 'eval "$1" && echo "$HF_ENDPOINT"', "-", text.stdout],
                           capture_output=True, text=True, timeout=30)
    assert shell.stdout.strip() == pulled_mirror.public_url, shell.stderr
    other = pulled_mirror.ctl("env", "qwen", "--public-url", "https://models.example/")
    assert "export HF_ENDPOINT=https://models.example\n" in other.stdout
    assert pulled_mirror.public_url not in other.stdout


def test_unknown_targets_and_policy_listings(pulled_mirror):
    unknown = pulled_mirror.ctl("env", "qwne")
    assert unknown.returncode == 4, pulled_mirror.explain(unknown)
    assert "qwen" in unknown.stderr
    names = pulled_mirror.ctl("policy", "names")
    assert names.stdout.split() == ["qwen", "qwen-7b", "qwen2.5", "qwen2.5-7b"]
    listing = json_output(pulled_mirror.ctl("policy", "ls", "--json"))
    qwen = next(p for p in listing["policies"] if p["name"] == "qwen")
    assert qwen["hf"]["repo"] == Q05 and qwen["upstream"] == f"{Q05}@main"
    assert qwen["repo"] == Q05  # the key older clients read
    adhoc = env_setup(pulled_mirror, "hf:datasets/org/set@v1")
    assert adhoc["url"] == f"{pulled_mirror.public_url}/datasets/org/set"


def admin_request(daemon, method, path):
    """(status, JSON body) of one request to the daemon's admin socket."""
    connection = http.client.HTTPConnection("mirrord", timeout=30)
    connection.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.sock.connect(str(daemon.admin_socket))
    connection.request(method, path)
    response = connection.getresponse()
    body = json.loads(response.read() or b"null")
    connection.close()
    return response.status, body


def test_policy_endpoint_refuses_what_it_cannot_resolve(pulled_mirror):
    status, body = admin_request(pulled_mirror, "GET", "/v1/policy?target=qwen")
    assert status == 200 and body["path"] == f"/{Q05}" and body["policy"]["name"] == "qwen"
    status, body = admin_request(pulled_mirror, "GET", "/v1/policy")
    assert status == 400 and "target" in body["error"]
    status, body = admin_request(pulled_mirror, "GET", "/v1/policy?target=hf:..%2Fetc")
    assert status == 400, body
    status, body = admin_request(pulled_mirror, "GET", "/v1/policy?target=qwne")
    assert status == 404 and body["suggestions"][0] == "qwen"
    status, _ = admin_request(pulled_mirror, "POST", "/v1/policy?target=qwen")
    assert status == 405
    malformed = pulled_mirror.ctl("env", "hf:..%2Fetc")
    assert malformed.returncode == 2, pulled_mirror.explain(malformed)


def test_pip_settings_work_as_printed(daemons, tmp_path):  # noqa: F811
    with FakePypi("json", make_test_projects()) as upstream_index:
        policies = pypi_policy("pypi-test", upstream_index.index_url, ["tinypkg", "tinyapp"])
        daemon = start_mirror(daemons, policies)
        pulled = daemon.ctl("pull", "--no-progress", "pypi-test", timeout=300)
        assert pulled.returncode == 0, daemon.explain(pulled)
    setup = env_setup(daemon, "pypi-test")
    index = f"{daemon.public_url}/pypi/pypi-test/simple/"
    assert setup["url"] == index
    assert setup["env"] == {"PIP_INDEX_URL": index, "PIP_TRUSTED_HOST": "127.0.0.1",
                            "UV_DEFAULT_INDEX": index}

    # The one-command line, as printed (pip through Debian's python).
    line = next(c["command"] for c in setup["commands"] if c["command"].startswith("pip download"))
    args = shlex.split(line)[1:]
    got = run_pip(DEBIAN_PYTHON, *args, "--no-deps", "-d", str(tmp_path / "line"))
    assert got.returncode == 0, explain(got)
    assert [p.name for p in (tmp_path / "line").iterdir()] == ["tinypkg-2.0-py3-none-any.whl"]

    # The exported variables alone.
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "-d", str(tmp_path / "env"), "tinyapp",
                  env={k: v for k, v in setup["env"].items() if k.startswith("PIP_")})
    assert got.returncode == 0, explain(got)
    assert [p.name for p in (tmp_path / "env").iterdir()] == ["tinyapp-1.0-py3-none-any.whl"]

    # The pip.conf file alone (with its dependency resolved from the mirror too).
    conf = next(f for f in setup["files"] if f["path"].endswith("pip.conf"))
    conf_path = tmp_path / "pip.conf"
    conf_path.write_text(conf["content"])
    command = [DEBIAN_PYTHON, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir",
               "download", "-d", str(tmp_path / "conf"), "tinyapp"]
    got = subprocess.run(command, capture_output=True, text=True, timeout=180,
                         env={"PATH": os.environ["PATH"], "HOME": str(tmp_path),
                              "PIP_CONFIG_FILE": str(conf_path)})
    assert got.returncode == 0, explain(got)
    assert sorted(p.name for p in (tmp_path / "conf").iterdir()) == [
        "tinyapp-1.0-py3-none-any.whl", "tinypkg-2.0-py3-none-any.whl"]


def test_git_clone_line_works_as_printed(make_mirror, tmp_path):
    git = GitEnv(tmp_path / "home")
    root = tmp_path / "upstream"
    root.mkdir()
    weights = make_demo_repo(git, root / "demo")
    with FakeGitUpstream(root) as upstream_git:
        policy = f'[[mirror]]\nname = "demo"\nsource = "git"\nurl = {toml_str(upstream_git.url("demo"))}\n'
        daemon = make_mirror(["http://127.0.0.1:9"], policies=policy)
        pulled = daemon.ctl("pull", "demo", timeout=600)
        assert pulled.returncode == 0, daemon.explain(pulled)
    setup = env_setup(daemon, "demo")
    assert setup["commands"][0]["command"] == (
        f"git lfs install && git clone {daemon.public_url}/git/demo")
    run_printed(setup["commands"][0]["command"], git.env, tmp_path)
    assert (tmp_path / "demo" / LFS_FILE).read_bytes() == weights


def write_printed_file(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def test_apt_sources_work_as_printed(upstream, make_apt_mirror):  # noqa: F811
    hello = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    mirror = make_apt_mirror("verbatim")
    pull_ok(mirror)
    setup = env_setup(mirror, POLICY)
    one_line, deb822 = setup["files"]
    assert one_line["content"] == (f"deb [signed-by={upstream.key.keyring}] "
                                   f"{mirror.public_url}/apt/{POLICY} {SUITE} main\n")
    client = upstream.client()
    client.sources.write_text(one_line["content"])
    assert_apt_gets(client, "hello", hello)

    other = upstream.client()
    write_printed_file(other.base / "sources.list.d" / "mirror.sources", deb822["content"])
    assert_apt_gets(other, "hello", hello)


def test_apt_resign_sources_work_with_the_printed_key_step(upstream, make_apt_mirror):  # noqa: F811
    hello = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR, valid_for=2 * HOUR)
    mirror = make_apt_mirror("resign")
    pull_ok(mirror)
    setup = env_setup(mirror, POLICY)
    assert setup["commands"][0]["command"] == f"mirrorctl keys export > {MIRROR_KEY_PATH}"
    client = upstream.client()
    # The printed key step, into the client's own keyring directory instead of /etc.
    exported = mirror.ctl("keys", "export")
    key_path = client.keyring_path("mirrord.asc", exported.stdout)
    client.sources.write_text(setup["files"][0]["content"].replace(MIRROR_KEY_PATH, str(key_path)))
    assert_apt_gets(client, "hello", hello)
