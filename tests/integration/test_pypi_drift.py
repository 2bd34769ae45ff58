"""Upstream drift on an HTML-only index (protocols/pypi.md §9): a file that upstream de-lists stays
served and is flagged, a file whose bytes change under the same name keeps its published bytes
and the change is refused and reported, `mirrorctl ls` shows both, and a page whose bytes change
only by its timestamp comment publishes nothing new."""

import pytest

from fake_pypi import FakePypi
from fake_pypi_packages import build_wheel
from mirrord_proc import json_output
from pypi_helpers import DEBIAN_PYTHON, explain, make_test_projects, pypi_policy, run_pip, \
    sha256_file, start_mirror


@pytest.fixture
def daemons():
    started = []
    yield started
    for daemon in started:
        daemon.cleanup()


def pypi_rows(daemon):
    listing = daemon.ctl("ls", "--json")
    assert listing.returncode == 0, daemon.explain(listing)
    return {(r["repo"], r["ref"]): r for r in json_output(listing)["repos"] if r["kind"] == "pypi"}


def test_drift_is_visible_not_silent(daemons, tmp_path):
    projects = make_test_projects()
    with FakePypi("html", {"tinypkg": projects["tinypkg"]}) as upstream:
        daemon = start_mirror(daemons, pypi_policy("cu124", upstream.index_url, ["tinypkg"]))
        first = daemon.ctl("pull", "--no-progress", "cu124")
        assert first.returncode == 0, daemon.explain(first)
        rows = pypi_rows(daemon)
        assert list(rows) == [("cu124/tinypkg", "current")]  # no drift: one line
        commit = rows[("cu124/tinypkg", "current")]["commit"]

        # Only the page's TIMESTAMP comment changes between these pulls: nothing is republished.
        again = daemon.ctl("pull", "--no-progress", "cu124")
        assert again.returncode == 0, daemon.explain(again)
        assert pypi_rows(daemon)[("cu124/tinypkg", "current")]["commit"] == commit

        # Upstream de-lists the sdist and puts other bytes under the 2.0 wheel's name.
        wheel, sdist = projects["tinypkg"][1], projects["tinypkg"][2]
        upstream.projects["tinypkg"] = [projects["tinypkg"][0], wheel]
        impostor = build_wheel("tinypkg", "2.0", module_body="VERSION = 'impostor'\n")
        upstream.served_bytes[wheel.filename] = impostor.data
        upstream.listed_hash[wheel.filename] = impostor.sha256
        drifted = daemon.ctl("pull", "--no-progress", "cu124")
        assert drifted.returncode == 1, daemon.explain(drifted)
        message = drifted.stdout + drifted.stderr
        assert f"{wheel.filename}: upstream now lists sha256 {impostor.sha256}" in message, message

        rows = pypi_rows(daemon)
        assert rows[("cu124/tinypkg", "delisted")]["files"] == 1
        assert rows[("cu124/tinypkg", "refused")]["files"] == 1
        table = daemon.ctl("ls")
        print(table.stdout)
        assert "delisted" in table.stdout and "refused" in table.stdout

        # Clients still get the published bytes, for both files.
        index = f"{daemon.public_url}/pypi/cu124/simple/"
        got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--only-binary", ":all:",
                      "--index-url", index, "-d", str(tmp_path / "wheel"), "tinypkg==2.0")
        assert got.returncode == 0, explain(got)
        assert sha256_file(tmp_path / "wheel" / wheel.filename) == wheel.sha256
        got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--no-binary", ":all:",
                      "--no-build-isolation", "--index-url", index, "-d", str(tmp_path / "sdist"),
                      "tinypkg==2.0")
        assert got.returncode == 0, explain(got)
        assert sha256_file(tmp_path / "sdist" / sdist.filename) == sdist.sha256

        # The same drift is reported once; later pulls succeed and the lines stay.
        assert daemon.ctl("pull", "--no-progress", "cu124").returncode == 0
        assert pypi_rows(daemon)[("cu124/tinypkg", "refused")]["files"] == 1

        # Upstream comes back: the report lines drop to zero files.
        upstream.projects["tinypkg"] = projects["tinypkg"]
        del upstream.served_bytes[wheel.filename]
        del upstream.listed_hash[wheel.filename]
        assert daemon.ctl("pull", "--no-progress", "cu124").returncode == 0
        rows = pypi_rows(daemon)
        assert rows[("cu124/tinypkg", "delisted")]["files"] == 0
        assert rows[("cu124/tinypkg", "refused")]["files"] == 0


def test_served_pages_survive_an_upstream_outage(daemons, tmp_path):
    projects = make_test_projects()
    with FakePypi("json", {"tinypkg": projects["tinypkg"]}) as upstream:
        daemon = start_mirror(daemons, pypi_policy("pypi-test", upstream.index_url, ["tinypkg"]))
        assert daemon.ctl("pull", "--no-progress", "pypi-test").returncode == 0
        index = f"{daemon.public_url}/pypi/pypi-test/simple/"
        for status in (503, 404):
            upstream.outage = status
            failed = daemon.ctl("pull", "--no-progress", "pypi-test", timeout=300)
            assert failed.returncode == 1, daemon.explain(failed)
            assert f"HTTP {status}" in failed.stdout + failed.stderr
            # Serving never needs the upstream, and a failed pull unpublishes nothing.
            got = run_pip(DEBIAN_PYTHON, "download", "--no-deps", "--index-url", index,
                          "-d", str(tmp_path / str(status)), "tinypkg")
            assert got.returncode == 0, explain(got)
            assert sha256_file(tmp_path / str(status) / "tinypkg-2.0-py3-none-any.whl") == \
                projects["tinypkg"][1].sha256
