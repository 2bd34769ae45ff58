"""The JavaScript client (@huggingface/hub, pinned in js/package-lock.json) downloads from mirrord.

Its node_modules are installed with `npm ci` on first use. When that fails (no npm, no registry)
the test fails and says so: a missing client must not look like a passing one.
"""

import json
import shutil
import subprocess
import tempfile

import pytest

from hf_expectations import HERE, Q05, QWEN_COMMIT, TABLE, original_sha256

JS_DIR = HERE / "js"
HUB_PACKAGE = "node_modules/@huggingface/hub"


def installed_matches_lock():
    try:
        lock = json.loads((JS_DIR / "package-lock.json").read_text())
        installed = json.loads((JS_DIR / "node_modules" / ".package-lock.json").read_text())
    except (OSError, ValueError):
        return False
    wanted = lock["packages"][HUB_PACKAGE]["version"]
    return installed["packages"].get(HUB_PACKAGE, {}).get("version") == wanted


def ensure_node_modules():
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"`{tool}` is not installed: the @huggingface/hub check needs Node.js >= 18")
    if installed_matches_lock():
        return
    result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_DIR,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail("`npm ci` in tests/integration/js failed (is the npm registry reachable?):\n"
                    + result.stdout[-2000:] + result.stderr[-2000:])


def run_hub_check(mirror, cache_dir):
    result = subprocess.run(
        ["node", "hub_check.mjs", mirror.public_url, Q05, QWEN_COMMIT, cache_dir],
        cwd=JS_DIR, capture_output=True, text=True, timeout=120)
    try:
        report = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        pytest.fail(f"hub_check.mjs printed no report (exit {result.returncode}):\n"
                    f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    assert result.returncode == 0 and "error" not in report, (
        f"@huggingface/hub failed: {report.get('error')}\n{report.get('stack')}\n"
        f"requests: {json.dumps(report.get('requests'), indent=1)[-3000:]}\n"
        f"mirrord log:\n{mirror.log_tail()}")
    return report


def test_hub_js_download_file_and_snapshot_download(pulled_mirror):
    ensure_node_modules()
    originals = {path: original_sha256(Q05, path) for path in TABLE[Q05]}
    with tempfile.TemporaryDirectory(prefix="mirrord-js-") as cache_dir:
        report = run_hub_check(pulled_mirror, cache_dir)
    assert sorted(report["listed"]) == sorted(originals)
    assert report["downloaded"] == originals, "downloadFile at main"
    assert report["pinned"] == originals, "downloadFile at the commit"
    assert report["missing"] is None, "a missing file must come back as null (EntryNotFound)"
    assert report["snapshotDir"].endswith(f"/snapshots/{QWEN_COMMIT}")
    assert report["snapshot"] == originals, "snapshotDownload"
    elsewhere = [r["url"] for r in report["requests"]
                 if not r["url"].startswith(pulled_mirror.public_url + "/")]
    assert not elsewhere, f"requests that left the mirror: {elsewhere}"
    assert any(r["range"] == "bytes=0-0" for r in report["requests"]), "the probe was not seen"
