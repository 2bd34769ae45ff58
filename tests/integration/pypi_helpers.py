"""Shared by the test_pypi_*.py files: a mirrord configured with pypi policies (and the fake as its
[upstream.pypi] index), the test packages, and running the real pip against the mirror."""

import hashlib
import json
import os
import subprocess
from pathlib import Path

from fake_pypi_packages import build_sdist, build_wheel, debian_wheel
from mirrord_proc import Mirrord, toml_str

# Debian's pip (23.0.1 in bookworm): what the issue asks to test with.
DEBIAN_PYTHON = "/usr/bin/python3"


def pypi_policy(name, index, projects, **keys):
    lines = ["[[mirror]]", f"name = {toml_str(name)}", 'source = "pypi"',
             f"index = {toml_str(index)}",
             f"projects = [{', '.join(toml_str(p) for p in projects)}]"]
    for key, value in keys.items():
        lines.append(f"{key} = {json.dumps(value)}")  # JSON scalars and string lists are TOML
    return "\n".join(lines) + "\n"


def start_mirror(make_mirror_dirs, policies, default_index="http://127.0.0.1:9/simple/",
                 hf_token=None):
    """A started Mirrord with `policies` and [upstream.pypi] index = `default_index`."""
    daemon = Mirrord(["http://127.0.0.1:9"], policies, hf_token)
    with open(daemon.config_path, "a") as config:
        config.write(f"\n[upstream.pypi]\nindex = {toml_str(default_index)}\n")
    make_mirror_dirs.append(daemon)
    return daemon.start()


def make_test_projects():
    """name -> list of Dist: Debian's pip and setuptools wheels, and tinypkg 1.0/2.0 (+ sdist)."""
    pip_wheel = debian_wheel("pip-")
    pip_wheel.upload_time = "2023-02-17T18:31:51.012345Z"
    setuptools_wheel = debian_wheel("setuptools-")
    old = build_wheel("tinypkg", "1.0", requires_python=">=3.7")
    old.yanked = "broken on purpose"
    new = build_wheel("tinypkg", "2.0", requires_python=">=3.7")
    new.upload_time = "2024-03-04T05:06:07Z"
    sdist = build_sdist("tinypkg", "2.0")
    app = build_wheel("tinyapp", "1.0", requires=["tinypkg>=1.5", "missing-extra; extra == 'x'"],
                      module_body="import tinypkg\nVERSION = '1.0'\n")
    return {"pip": [pip_wheel], "setuptools": [setuptools_wheel],
            "tinypkg": [old, new, sdist], "tinyapp": [app]}


def run_pip(python, *args, env=None, timeout=180):
    """`python -m pip ARGS` isolated from the user's configuration; returns the CompletedProcess."""
    command = [python, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir", *args]
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
                "PIP_CONFIG_FILE": os.devnull, "PYTHONDONTWRITEBYTECODE": "1"}
    full_env.update(env or {})
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=full_env,
                          stdin=subprocess.DEVNULL)


def explain(result):
    return (f"$ {' '.join(result.args)}\nexit {result.returncode}\nstdout:\n{result.stdout}\n"
            f"stderr:\n{result.stderr}")


def sha256_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
