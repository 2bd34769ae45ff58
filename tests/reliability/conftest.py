"""Fixtures of the reliability suite. It reuses the integration suite's fake hub and daemon runner
(tests/integration), adding what these tests need: generated repos, daemons that are killed and
restarted, and figures printed at the end of the run."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))

from fake_hf import FakeHub  # noqa: E402
from hf_expectations import REPOS_DIR  # noqa: E402
from rel_daemon import Daemon, figures  # noqa: E402


def pytest_terminal_summary(terminalreporter):
    if figures:
        terminalreporter.section("reliability figures")
        for line in figures:
            terminalreporter.write_line(line)


@pytest.fixture
def fresh_hub():
    with FakeHub(str(REPOS_DIR)) as fake:
        yield fake


@pytest.fixture
def make_daemon():
    """make_daemon(endpoints_or_hub, policies, **settings) -> a started Daemon, stopped (and its
    state removed) after the test. See rel_daemon.Daemon for the settings."""
    started = []

    def make(upstream, policies, start=True, **settings):
        endpoints = upstream if isinstance(upstream, list) else [upstream.url]
        daemon = Daemon(endpoints, policies, **settings)
        started.append(daemon)
        return daemon.start() if start else daemon

    yield make
    for daemon in started:
        daemon.cleanup()
