"""The real apt-get in an isolated configuration (protocols/apt.md §8): its own apt.conf through
APT_CONFIG (so the system's apt.conf.d, with its Check-Valid-Until "false", is never read), its
own sources list, lists, cache, status file and keyrings; trust only from signed-by. Nothing of
the system's apt state is read or changed.
"""

import os
import subprocess
from pathlib import Path


class IsolatedApt:
    def __init__(self, base):
        self.base = Path(base)
        for directory in ("apt.conf.d", "sources.list.d", "preferences.d", "trusted.gpg.d",
                          "lists/partial", "cache/archives/partial", "state", "downloads",
                          "keyrings"):
            (self.base / directory).mkdir(parents=True, exist_ok=True)
        (self.base / "status").write_text("")
        self.sources = self.base / "sources.list"
        self.sources.write_text("")
        self.config = self.base / "apt.conf"
        settings = {
            "Dir::Etc::main": "/dev/null",
            "Dir::Etc::parts": self.base / "apt.conf.d",
            "Dir::Etc::sourcelist": self.sources,
            "Dir::Etc::sourceparts": self.base / "sources.list.d",
            "Dir::Etc::preferences": "/dev/null",
            "Dir::Etc::preferencesparts": self.base / "preferences.d",
            "Dir::Etc::trusted": "/dev/null",
            "Dir::Etc::trustedparts": self.base / "trusted.gpg.d",
            "Dir::State": self.base / "state",
            "Dir::State::Lists": self.base / "lists",
            "Dir::State::status": self.base / "status",
            "Dir::Cache": self.base / "cache",
            "APT::Architecture": "amd64",
            "Acquire::Check-Valid-Until": "true",
            "Acquire::Check-Date": "true",
            "Acquire::Languages": "none",
            "Acquire::http::Proxy": "DIRECT",
        }
        if os.geteuid() == 0:
            settings["APT::Sandbox::User"] = "root"  # _apt cannot write these private directories
        lines = [f'{key} "{value}";' for key, value in settings.items()]
        lines.append('APT::Architectures { "amd64"; };')
        self.config.write_text("\n".join(lines) + "\n")

    def keyring_path(self, name, data):
        """Writes a keyring (binary, or armored when `name` ends in .asc) for signed-by."""
        path = self.base / "keyrings" / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return path

    def set_source(self, url, suite, keyrings, component="main"):
        """One-line sources.list entry, as README.md documents it."""
        signed_by = ",".join(str(k) for k in keyrings)
        self.sources.write_text(f"deb [signed-by={signed_by}] {url} {suite} {component}\n")

    def set_deb822_source(self, url, suite, keyrings, component="main"):
        """The same source as a deb822 .sources file (and an empty one-line list)."""
        self.sources.write_text("")
        (self.base / "sources.list.d" / "mirror.sources").write_text(
            f"Types: deb\nURIs: {url}\nSuites: {suite}\nComponents: {component}\n"
            f"Signed-By: {' '.join(str(k) for k in keyrings)}\n")

    def run(self, *args, cwd=None):
        env = {key: value for key, value in os.environ.items()
               if "proxy" not in key.lower() and not key.startswith("APT")}
        env["APT_CONFIG"] = str(self.config)
        env["LC_ALL"] = "C"
        return subprocess.run(["apt-get", "-q", *args], capture_output=True, text=True,
                              cwd=cwd or self.base / "downloads", env=env, timeout=120,
                              stdin=subprocess.DEVNULL)

    def update(self):
        return self.run("update")

    def download(self, package):
        return self.run("download", package)

    def downloaded(self):
        return sorted(p.name for p in (self.base / "downloads").glob("*.deb"))


def explain(result):
    return f"$ {' '.join(result.args)}\nexit {result.returncode}\n{result.stdout}\n{result.stderr}"
