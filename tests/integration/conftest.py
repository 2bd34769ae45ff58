"""Fixtures: a fake Hugging Face upstream (in-process) and real mirrord daemons in front of it.

`hub` and `mirror` are shared by the whole session (fast); `fresh_hub` and `make_mirror` give a test
its own upstream and daemon when it injects faults or counts upstream requests.
"""

import pytest

from fake_hf import FakeHub
from hf_expectations import Q7, REPOS_DIR
from mirrord_proc import TEST_POLICIES, Mirrord, report_sections, timings


def pytest_terminal_summary(terminalreporter):
    if timings:
        terminalreporter.section("mirrord timings")
        for label, seconds in timings:
            terminalreporter.write_line(f"{label}: {seconds:.2f} s")
    for title, lines in report_sections.items():
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def hub():
    with FakeHub(str(REPOS_DIR)) as fake:
        yield fake


@pytest.fixture
def fresh_hub():
    with FakeHub(str(REPOS_DIR)) as fake:
        yield fake


@pytest.fixture
def make_mirror():
    """make_mirror(hub_or_endpoints, policies=TEST_POLICIES, token=None, extra_config="") -> a
    started Mirrord, stopped after the test. `extra_config` is TOML appended to its config."""
    started = []

    def make(upstream, policies=TEST_POLICIES, token=None, extra_config=""):
        endpoints = upstream if isinstance(upstream, list) else [upstream.url]
        daemon = Mirrord(endpoints, policies, token, extra_config)
        started.append(daemon)
        return daemon.start()

    yield make
    for daemon in started:
        daemon.cleanup()


@pytest.fixture(scope="session")
def mirror(hub):
    daemon = Mirrord([hub.url], TEST_POLICIES).start()
    yield daemon
    daemon.cleanup()


@pytest.fixture(scope="session")
def pulled_mirror(mirror):
    """The session mirror with both Qwen repos published."""
    for target in ("qwen", "hf:" + Q7):
        result = mirror.ctl("pull", target)
        assert result.returncode == 0, mirror.explain(result)
    return mirror
