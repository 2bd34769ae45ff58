"""Building the upstream repositories of the git tests with the real git and git-lfs, in an
isolated environment (its own HOME, no system config), and reading refs back."""

import hashlib
import os
import random
import subprocess
from pathlib import Path

LFS_FILE = "model.safetensors"
BINARY_FILE = "data.bin"


class GitEnv:
    """Runs git with a private HOME in which `git lfs install` registered the LFS filters."""

    def __init__(self, home):
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "LANG": "C",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": "Upstream Dev",
            "GIT_AUTHOR_EMAIL": "dev@example.org",
            "GIT_COMMITTER_NAME": "Upstream Dev",
            "GIT_COMMITTER_EMAIL": "dev@example.org",
        }
        self.git("config", "--global", "init.defaultBranch", "main")
        self.git("config", "--global", "advice.detachedHead", "false")
        self.git("lfs", "install", "--skip-repo")

    def git(self, *args, cwd=None, check=True, input=None, extra_env=None, timeout=300):
        env = dict(self.env, **(extra_env or {}))
        result = subprocess.run(["git", *args], cwd=cwd, env=env, input=input,
                                capture_output=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout.decode(errors='replace')}\n"
                                 f"{result.stderr.decode(errors='replace')}")
        return result

    def out(self, *args, cwd=None):
        return self.git(*args, cwd=cwd).stdout.decode().strip()

    def ls_remote(self, url):
        """{refname: oid} of every ref a remote advertises (peeled tags as "name^{}")."""
        refs = {}
        for line in self.out("ls-remote", url).splitlines():
            oid, name = line.split("\t")
            refs[name] = oid
        return refs

    def commit_file(self, repo, path, content, message):
        target = Path(repo) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        self.git("add", path, cwd=repo)
        self.git("commit", "-q", "-m", message, cwd=repo)
        return self.out("rev-parse", "HEAD", cwd=repo)


def random_bytes(size, seed):
    return random.Random(seed).randbytes(size)


def make_demo_repo(env, path):
    """Several branches, a lightweight and an annotated tag, a merge, a binary file and an
    LFS-tracked file. Returns the LFS file's bytes."""
    path = Path(path)
    env.git("init", "-q", str(path))
    env.git("lfs", "track", "*.safetensors", cwd=path)
    env.git("add", ".gitattributes", cwd=path)
    env.commit_file(path, "README.md", b"demo\n", "initial")
    weights = random_bytes(300_000, 1)
    (path / BINARY_FILE).write_bytes(bytes(range(256)) * 256)
    env.git("add", BINARY_FILE, cwd=path)
    env.commit_file(path, LFS_FILE, weights, "weights and data")
    env.git("tag", "v0.1", cwd=path)
    env.git("checkout", "-q", "-b", "feature", cwd=path)
    env.commit_file(path, "src/feature.py", b"print('feature')\n", "feature 1")
    env.commit_file(path, "src/feature.py", b"print('feature 2')\n", "feature 2")
    env.git("checkout", "-q", "main", cwd=path)
    env.commit_file(path, "README.md", b"demo, main moved on\n", "main moves")
    env.git("merge", "-q", "--no-ff", "feature", "-m", "merge feature", cwd=path)
    env.git("tag", "-a", "v1.0", "-m", "release 1.0", cwd=path)
    env.git("checkout", "-q", "-b", "release/1.x", cwd=path)
    env.commit_file(path, "RELEASE", b"1.x\n", "release branch")
    env.git("checkout", "-q", "main", cwd=path)
    return weights


def make_history_repo(env, path, commits, files=40):
    """A repository with `commits` commits on main (via fast-import), each changing one of
    `files` text files, and a tag every 500 commits."""
    path = Path(path)
    env.git("init", "-q", "--bare", str(path))
    stream = []
    contents = [f"file {i}\n" for i in range(files)]
    for n in range(1, commits + 1):
        index = n % files
        contents[index] += f"line {n}: " + hashlib.sha256(str(n).encode()).hexdigest() + "\n"
        data = contents[index].encode()
        message = f"commit {n}\n".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"mark :{n}\n".encode())
        stream.append(f"committer Dev <dev@example.org> {1600000000 + n} +0000\n".encode())
        stream.append(f"data {len(message)}\n".encode() + message)
        if n > 1:
            stream.append(f"from :{n - 1}\n".encode())
        stream.append(f"M 100644 inline src/file{index:03}.txt\ndata {len(data)}\n".encode() + data)
        stream.append(b"\n")
        if n % 500 == 0:
            stream.append(f"reset refs/tags/r{n}\nfrom :{n}\n\n".encode())
    env.git("fast-import", "--quiet", cwd=path, input=b"".join(stream))
    env.git("symbolic-ref", "HEAD", "refs/heads/main", cwd=path)
    return path


def sha256_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
