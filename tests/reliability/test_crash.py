"""Crash safety (issue 7, item 1): mirrord is killed with SIGKILL at random moments while it pulls,
then restarted on the same state. Two repos: one of many files, large (LFS, resumed with Range)
and small (regular), throttled so that every kill lands mid-pull; and a quick one of small files
whose pulls the kills catch before, during and after publishing. After every kill the store must be
consistent (every blob's bytes match its name, every catalog row has its blob, no snapshot is half
there), what is served must be all or nothing, and the next pull must continue from the kept .part
files instead of fetching everything again (counted in bytes the upstream sent).

The kill moments come from a seeded generator: MIRRORD_CRASH_SEED picks another run."""

import json
import os
import random
import time
from dataclasses import dataclass

from fake_hf import FakeHub
from gen_repos import mixed_files, write_repo
from http_util import request
from mirrord_proc import policy_toml
from rel_daemon import report
from store_check import check_store

BIG = "crash/many-files"
QUICK = "crash/quick"
BIG_POINTS = 36
QUICK_POINTS = 12
MIN_POINTS_MID_PULL = 30
SEED = int(os.environ.get("MIRRORD_CRASH_SEED", "7"))
LARGE_RATE = 256 * 1024  # bytes per second per transfer: the big pull outlives its kill schedule
SMALL_RATE = 64 * 1024
QUICK_RATE = 32 * 1024


@dataclass
class KillPoint:
    repo: str
    delay: float        # seconds between starting `mirrorctl pull` and the SIGKILL
    parts: int          # .part files left behind
    part_bytes: int     # bytes in them: what a resume must not fetch again
    published: bool     # the repo's snapshot was complete at the kill


def assert_all_or_nothing_served(daemon, repo, files):
    info = request(f"{daemon.public_url}/api/models/{repo}/revision/main")
    if info.status == 404:
        assert info.header("X-Error-Code") == "RepoNotFound", info.describe()
    else:
        assert info.status == 200, info.describe()
        siblings = {s["rfilename"] for s in json.loads(info.body)["siblings"]}
        assert siblings == set(files), f"{repo}: a snapshot is visible with files missing"
    for path in sorted(files)[:3]:
        got = request(f"{daemon.public_url}/{repo}/resolve/main/{path}")
        assert got.status in (200, 404), got.describe()
        if got.status == 200:
            assert got.body == files[path], f"{repo}/{path}: served bytes differ from upstream"


def snapshots_of(state, repo):
    return [s for s in state.snapshots if s[1] == repo]


def kill_during_pull(daemon, policy, delay):
    pull = daemon.ctl_async("pull", policy)
    time.sleep(delay)
    daemon.kill9()
    try:
        pull.wait(timeout=60)
    except Exception:
        pull.kill()
        pull.wait()
        raise AssertionError("mirrorctl did not notice that the daemon died")


def check_after_kill(daemon, repo, files, delay):
    state = check_store(daemon.state_dir)
    assert not state.problems, "\n".join(state.problems)
    published = snapshots_of(state, repo)
    assert not published or published[0][3] == len(files), f"half-published: {published}"
    return KillPoint(repo, delay, len(state.parts), state.part_bytes, bool(published))


def kill_points(daemon, repo, policy, files, count, delays, verify):
    """`count` pulls killed after delays(), each followed by the checks, a restart and (when the
    daemon has it) `mirrorctl verify`."""
    points = []
    for _ in range(count):
        delay = delays()
        kill_during_pull(daemon, policy, delay)
        points.append(check_after_kill(daemon, repo, files, delay))
        daemon.restart()
        assert_all_or_nothing_served(daemon, repo, files)
        if verify:
            result = daemon.ctl("verify")
            assert result.returncode == 0, daemon.explain(result)
    return points


def finish_and_check(daemon, repo, policy, files):
    result = daemon.ctl("pull", policy, timeout=600)
    assert result.returncode == 0, daemon.explain(result)
    for path, content in files.items():
        got = request(f"{daemon.public_url}/{repo}/resolve/main/{path}")
        assert got.status == 200 and got.body == content, f"{repo}/{path}: {got.describe()}"


def upstream_bytes(hub, repo, files):
    stats = hub.stats()["files"]
    return sum(stats.get(f"{repo}/{path}", {}).get("sent_bytes", 0) for path in files)


def resumed_ranges(hub, repo, files):
    stats = hub.stats()["files"]
    return sum(1 for path in files for r in stats.get(f"{repo}/{path}", {}).get("ranges", [])
               if r.startswith("bytes=") and not r.startswith("bytes=0-"))


def test_kill9_at_random_moments_keeps_the_store_consistent_and_pulls_resume(tmp_path,
                                                                            make_daemon):
    big = mixed_files(SEED, large=5, large_size=3 << 20, small=40)
    quick = mixed_files(SEED + 1, large=0, large_size=0, small=60, small_sizes=(1, 4096))
    write_repo(tmp_path / "repos", BIG, big)
    write_repo(tmp_path / "repos", QUICK, quick)
    rng = random.Random(SEED)
    with FakeHub(str(tmp_path / "repos"), page_size=100) as hub:
        for path in big:
            rate = LARGE_RATE if path.endswith(".safetensors") else SMALL_RATE
            hub.add_fault(kind="throttle", file=f"{BIG}/{path}", bytes_per_second=rate)
        for path in quick:
            hub.add_fault(kind="throttle", file=f"{QUICK}/{path}", bytes_per_second=QUICK_RATE)
        policies = policy_toml("big", BIG) + "\n" + policy_toml("quick", QUICK)
        daemon = make_daemon(hub, policies)
        has_verify = daemon.has_command("verify")

        points = kill_points(daemon, BIG, "big", big, BIG_POINTS, lambda: rng.uniform(0.05, 0.7),
                             has_verify)
        finish_and_check(daemon, BIG, "big", big)
        # Later and later kills: the first ones land mid-pull, the last ones around the publish.
        quick_delays = iter([rng.uniform(0.02, 0.3) + 0.1 * i for i in range(QUICK_POINTS)])
        quick_points = kill_points(daemon, QUICK, "quick", quick, QUICK_POINTS,
                                   lambda: next(quick_delays), has_verify)
        finish_and_check(daemon, QUICK, "quick", quick)
        verify = daemon.ctl("verify") if has_verify else None
        daemon.stop()
        final = check_store(daemon.state_dir)
        assert not final.problems, "\n".join(final.problems)
        assert snapshots_of(final, BIG)[0][3] == len(big)
        assert snapshots_of(final, QUICK)[0][3] == len(quick)

        total = sum(len(c) for c in big.values())
        fetched = upstream_bytes(hub, BIG, big)
        refetched = fetched - total
        kept = sum(p.part_bytes for p in points)
        mid_pull = sum(1 for p in points if not p.published)
        ranges = resumed_ranges(hub, BIG, big)
        quick_published = sum(p.published for p in quick_points)
        report(f"kill -9: {len(points) + len(quick_points)} points, seed {SEED}. {BIG}: "
               f"{len(points)} points ({mid_pull} mid-pull, "
               f"{sum(p.parts > 0 for p in points)} leaving .part files); {len(big)} files, "
               f"{total} bytes; the upstream sent {fetched} bytes: {refetched} re-fetched "
               f"({refetched / total:.1%}), against {kept} .part bytes kept across kills; "
               f"{ranges} resuming Range requests. {QUICK}: {len(quick_points)} points "
               f"({quick_published} after its publish). mirrorctl verify after every restart "
               f"and at the end: {f'exit {verify.returncode}' if verify else 'no such command'}")
        assert mid_pull >= MIN_POINTS_MID_PULL, "the pull ended too early to test crash points"
        assert ranges > 0, "no pull resumed a .part with a Range request"
        # Starting over would fetch every kept .part byte again; resuming fetches only what was in
        # flight at each kill.
        assert kept > total, "too little was downloaded before the kills to measure resuming"
        assert refetched < 0.1 * kept, f"re-fetched {refetched} of {kept} kept bytes"
        if verify is not None:
            assert verify.returncode == 0, daemon.explain(verify)
