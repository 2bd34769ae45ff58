"""The real pip against mirrord's PyPI mirror, with fake upstreams: a PEP 691 JSON index and a
PEP 503 HTML-only index with off-site links, one of whose hashes is wrong."""

import subprocess
import zipfile
from pathlib import Path

import pytest

from fake_pypi import FakePypi
from mirrord_proc import json_output
from pypi_helpers import (DEBIAN_PYTHON, explain, make_test_projects, pypi_policy, run_pip,
                          sha256_file, start_mirror)


@pytest.fixture
def daemons():
    started = []
    yield started
    for daemon in started:
        daemon.cleanup()


@pytest.fixture
def json_upstream():
    with FakePypi("json", make_test_projects()) as fake:
        yield fake


@pytest.fixture
def html_upstream():
    projects = make_test_projects()
    with FakePypi("html", projects) as fake:
        fake.offsite.add(projects["tinypkg"][1].filename)  # 2.0 wheel lives on the second host
        fake.listed_hash[projects["setuptools"][0].filename] = "omit"
        fake.listed_hash[projects["pip"][0].filename] = "0" * 64  # the page lies about pip
        yield fake


def pull(daemon, target):
    return daemon.ctl("pull", "--no-progress", target, timeout=300)


def index_url(daemon, root):
    return f"{daemon.public_url}/pypi/{root}/simple/"


def test_pip_download_and_install_from_a_json_upstream(daemons, json_upstream, tmp_path):
    policies = pypi_policy("pypi-test", json_upstream.index_url,
                           ["pip", "setuptools", "tinypkg", "tinyapp"])
    daemon = start_mirror(daemons, policies)
    result = pull(daemon, "pypi-test")
    assert result.returncode == 0, daemon.explain(result)
    upstream_files = {d.filename: d for ds in json_upstream.projects.values() for d in ds}

    downloads = tmp_path / "downloads"
    for requirement in ("pip", "setuptools", "tinypkg==2.0", "tinyapp"):
        got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--only-binary", ":all:",
                      "--index-url", index_url(daemon, "pypi-test"), "-d", str(downloads),
                      requirement)
        assert got.returncode == 0, explain(got)
        print(explain(got))  # shown with pytest -s: what pip printed against the mirror
    names = sorted(p.name for p in downloads.iterdir())
    assert names == sorted(["pip-23.0.1-py3-none-any.whl", "setuptools-66.1.1-py3-none-any.whl",
                            "tinypkg-2.0-py3-none-any.whl", "tinyapp-1.0-py3-none-any.whl"])
    for path in downloads.iterdir():  # byte for byte what upstream has
        assert sha256_file(path) == upstream_files[path.name].sha256, path.name

    # pip install --target, with the dependency resolved from the mirror too.
    target = tmp_path / "site"
    got = run_pip(DEBIAN_PYTHON, "install", "--target", str(target), "--index-url",
                  index_url(daemon, "pypi-test"), "tinyapp")
    assert got.returncode == 0, explain(got)
    print(explain(got))
    check = subprocess.run([DEBIAN_PYTHON, "-c", "import tinyapp, tinypkg; print(tinypkg.VERSION)"],
                           capture_output=True, text=True, env={"PYTHONPATH": str(target)})
    assert check.stdout.strip() == "2.0", check

    # The yanked 1.0 was not selected: policies add yanked files only for an exact pin.
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--index-url",
                  index_url(daemon, "pypi-test"), "-d", str(tmp_path / "pinned"), "tinypkg==1.0")
    assert got.returncode == 1
    assert "(from versions: 2.0)" in got.stderr, explain(got)

    # --require-hashes works because the mirror's hashes are the real ones.
    requirements = tmp_path / "req.txt"
    requirements.write_text(f"tinypkg==2.0 --hash=sha256:{upstream_files['tinypkg-2.0-py3-none-any.whl'].sha256}\n")
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--require-hashes", "--index-url",
                  index_url(daemon, "pypi-test"), "-d", str(tmp_path / "hashed"), "-r",
                  str(requirements))
    assert got.returncode == 0, explain(got)

    # PIP_INDEX_URL alone (no command-line index) is enough.
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "-d", str(tmp_path / "env"),
                  "tinypkg", env={"PIP_INDEX_URL": index_url(daemon, "pypi-test")})
    assert got.returncode == 0, explain(got)
    assert (tmp_path / "env" / "tinypkg-2.0-py3-none-any.whl").exists()


def test_pip_23_2_reads_core_metadata_first(daemons, json_upstream, tmp_path):
    newer_pip = subprocess.run(["python3", "-m", "pip", "--version"], capture_output=True, text=True)
    if newer_pip.returncode != 0 or not newer_pip.stdout.startswith("pip 23.2"):
        pytest.skip(f"no pip 23.2 on PATH as python3 -m pip ({newer_pip.stdout.strip()!r})")
    daemon = start_mirror(daemons, pypi_policy("pypi-test", json_upstream.index_url, ["tinypkg"]))
    assert pull(daemon, "pypi-test").returncode == 0
    got = run_pip("python3", "download", "--no-deps", "--index-url",
                  index_url(daemon, "pypi-test"), "-d", str(tmp_path), "-v", "tinypkg")
    assert got.returncode == 0, explain(got)
    # The daemon's access log: the page, then the .metadata (hash checked by pip), then the wheel.
    served = [line.split()[2].removeprefix("target=")
              for line in daemon.log_path.read_text().splitlines()
              if line.startswith("<6>http method=GET target=/pypi/")]
    wheel = "tinypkg-2.0-py3-none-any.whl"
    order = [path.rsplit("/", 1)[-1] for path in served]
    assert order.index(wheel + ".metadata") < order.index(wheel), served
    assert served[0] == "/pypi/pypi-test/simple/tinypkg/", served
    assert sha256_file(tmp_path / "tinypkg-2.0-py3-none-any.whl") == \
        json_upstream.projects["tinypkg"][1].sha256


def test_html_upstream_with_offsite_links_and_a_wrong_hash(daemons, html_upstream, tmp_path):
    policies = pypi_policy("cu124", html_upstream.index_url, ["pip", "setuptools", "tinypkg"],
                           file_hosts=["127.0.0.1"])
    daemon = start_mirror(daemons, policies)
    result = pull(daemon, "cu124")
    # The page's hash for pip does not match its bytes: that file fails the pull...
    assert result.returncode == 1, daemon.explain(result)
    assert "pip-23.0.1-py3-none-any.whl: the bytes hash to sha256" in result.stdout + result.stderr
    # ...and is not listed, so pip cannot get it from the mirror.
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--index-url",
                  index_url(daemon, "cu124"), "-d", str(tmp_path / "pip"), "pip")
    assert got.returncode != 0
    assert "No matching distribution found for pip" in got.stderr, explain(got)
    # Everything else installs: the off-site wheel, and setuptools whose page gave no hash.
    projects = html_upstream.projects
    for requirement, dist in (("tinypkg", projects["tinypkg"][1]),
                              ("setuptools", projects["setuptools"][0])):
        got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--only-binary", ":all:",
                      "--index-url", index_url(daemon, "cu124"), "-d", str(tmp_path / "ok"),
                      requirement)
        assert got.returncode == 0, explain(got)
        assert sha256_file(tmp_path / "ok" / dist.filename) == dist.sha256
    # The sdist is served too, with its real hash, and pip can build from it.
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--no-binary", ":all:",
                  "--no-build-isolation", "--index-url", index_url(daemon, "cu124"),
                  "-d", str(tmp_path / "sdist"), "tinypkg==2.0")
    assert got.returncode == 0, explain(got)
    assert sha256_file(tmp_path / "sdist" / "tinypkg-2.0.tar.gz") == projects["tinypkg"][2].sha256
    # The mirror fetched from both hosts; clients never see either.
    roles = {role for role, _, path, _ in html_upstream.requests() if path.endswith(".whl")}
    assert roles == {"index", "files"}


def test_adhoc_pull_from_the_default_index(daemons, json_upstream, tmp_path):
    daemon = start_mirror(daemons, "", default_index=json_upstream.index_url)
    result = daemon.ctl("pull", "--no-progress", "--json", "pypi:TinyPkg==1.0", timeout=300)
    assert result.returncode == 0, daemon.explain(result)
    got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--index-url",
                  index_url(daemon, "pypi"), "-d", str(tmp_path), "tinypkg==1.0")
    assert got.returncode == 0, explain(got)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tinypkg-1.0-py3-none-any.whl"]
    # 1.0 is yanked upstream: mirrored because it was pinned, served with the marker and reason.
    assert "broken on purpose" in got.stdout + got.stderr, explain(got)
    # A second ad-hoc pull adds to the same page rather than replacing it.
    assert daemon.ctl("pull", "--no-progress", "pypi:tinypkg").returncode == 0
    listing = daemon.ctl("ls", "--json")
    repos = [r for r in json_output(listing)["repos"] if r["kind"] == "pypi"]
    assert [(r["repo"], r["ref"], r["files"]) for r in repos] == [("pypi/tinypkg", "current", 5)]
    unknown = daemon.ctl("pull", "--no-progress", "pypi:no-such-project")
    assert unknown.returncode == 1
    assert "no-such-project" in unknown.stdout + unknown.stderr


def test_the_hugging_face_token_never_reaches_a_pypi_upstream(daemons, html_upstream):
    policies = pypi_policy("cu124", html_upstream.index_url, ["tinypkg"])
    daemon = start_mirror(daemons, policies, hf_token="hf_secret_token_for_the_hub_only")
    result = pull(daemon, "cu124")
    assert result.returncode == 0, daemon.explain(result)
    assert html_upstream.requests(), "the upstream saw no request at all"
    assert html_upstream.authorized == []
