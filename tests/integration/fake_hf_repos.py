"""The repositories a fake Hugging Face hub serves, with the identities the real Hub gives them.

Each repo is a folder ORG/NAME under a root folder. Files whose names end in .safetensors or .bin
are treated as Git LFS files (as in the real Qwen repos); everything else is a regular git blob.
Identities follow protocols/hf.md section 7: a regular file's oid is its git blob id; an LFS file's
oid is the git blob id of its pointer, and lfs.oid is the sha256 of its content.
"""

import hashlib
import os
from dataclasses import dataclass, field

# The commit the recorded stand-in reported for both Qwen repos (hf.md section 12).
QWEN_COMMIT = "7ae557604adf67be50417f59c2c2f167def9a775"
LFS_SUFFIXES = (".safetensors", ".bin")
LAST_MODIFIED = "2024-09-25T14:32:11.000Z"
CREATED_AT = "2024-09-16T11:55:40.000Z"


def git_blob_id(content: bytes) -> str:
    header = b"blob %d\0" % len(content)
    return hashlib.sha1(header + content).hexdigest()


def lfs_pointer(sha256_hex: str, size: int) -> bytes:
    return (
        b"version https://git-lfs.github.com/spec/v1\n"
        + b"oid sha256:" + sha256_hex.encode() + b"\n"
        + b"size %d\n" % size
    )


@dataclass
class RepoFile:
    path: str
    content: bytes
    lfs: bool
    sha256: str = ""
    oid: str = ""  # git blob id of the content, or of the pointer for LFS files
    pointer_size: int = 0

    def __post_init__(self):
        self.sha256 = hashlib.sha256(self.content).hexdigest()
        if self.lfs:
            pointer = lfs_pointer(self.sha256, len(self.content))
            self.oid = git_blob_id(pointer)
            self.pointer_size = len(pointer)
        else:
            self.oid = git_blob_id(self.content)

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else self.oid

    def tree_entry(self) -> dict:
        entry = {"type": "file", "oid": self.oid, "size": self.size, "path": self.path}
        if self.lfs:
            entry["lfs"] = {"oid": self.sha256, "size": self.size, "pointerSize": self.pointer_size}
        return entry


@dataclass
class Repo:
    repo_id: str
    files: dict = field(default_factory=dict)  # path -> RepoFile
    commit: str = ""
    tags: dict = field(default_factory=dict)  # tag name -> commit (only `commit` is served)

    def directories(self) -> list:
        dirs = set()
        for path in self.files:
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                dirs.add("/".join(parts[:i]))
        return sorted(dirs)

    def tree_id(self, directory: str) -> str:
        """The git tree id of `directory` ("" for the root), built as git builds it."""
        prefix = directory + "/" if directory else ""
        children = {}
        for path, f in self.files.items():
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix):]
            name = rest.split("/", 1)[0]
            if "/" in rest:
                children[name] = ("40000", bytes.fromhex(self.tree_id(prefix + name)), True)
            else:
                children[name] = ("100644", bytes.fromhex(f.oid), False)
        # git sorts tree entries by name, with directories compared as if they ended in "/".
        order = sorted(children, key=lambda n: n + "/" if children[n][2] else n)
        body = b"".join(
            children[n][0].encode() + b" " + n.encode() + b"\0" + children[n][1] for n in order
        )
        return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()

    def tree_entries(self, sub_path: str, recursive: bool) -> list:
        """Entries below `sub_path`, sorted by path; None when sub_path is not a directory."""
        if sub_path and sub_path not in self.directories():
            return None
        prefix = sub_path + "/" if sub_path else ""
        entries = []
        for directory in self.directories():
            if directory.startswith(prefix) and (recursive or "/" not in directory[len(prefix):]):
                entries.append({"type": "directory", "oid": self.tree_id(directory), "size": 0,
                                "path": directory})
        for path, f in self.files.items():
            if path.startswith(prefix) and (recursive or "/" not in path[len(prefix):]):
                entries.append(f.tree_entry())
        return sorted(entries, key=lambda e: e["path"])

    def info(self, blobs: bool) -> dict:
        siblings = []
        for path in sorted(self.files):
            f = self.files[path]
            sibling = {"rfilename": path}
            if blobs:
                sibling["size"] = f.size
                sibling["blobId"] = f.oid
                if f.lfs:
                    sibling["lfs"] = {"sha256": f.sha256, "size": f.size,
                                      "pointerSize": f.pointer_size}
            siblings.append(sibling)
        author = self.repo_id.split("/")[0]
        return {
            "_id": hashlib.sha1(self.repo_id.encode()).hexdigest()[:24],
            "id": self.repo_id,
            "modelId": self.repo_id,
            "author": author,
            "sha": self.commit,
            "private": False,
            "gated": False,
            "disabled": False,
            "lastModified": LAST_MODIFIED,
            "createdAt": CREATED_AT,
            "tags": ["transformers", "safetensors", "text-generation", "license:apache-2.0"],
            "library_name": "transformers",
            "pipeline_tag": "text-generation",
            "downloads": 1234567,
            "likes": 321,
            "xetEnabled": True,
            "siblings": siblings,
        }


def _list_files(repo_dir: str) -> list:
    found = []
    for dirpath, _, filenames in os.walk(repo_dir):
        for name in filenames:
            full = os.path.join(dirpath, name)
            found.append(os.path.relpath(full, repo_dir).replace(os.sep, "/"))
    return sorted(found)


def _commit_for(repo: Repo) -> str:
    if repo.repo_id.startswith("Qwen/"):
        return QWEN_COMMIT
    listing = "".join(f"{p}\0{repo.files[p].oid}\n" for p in sorted(repo.files))
    return hashlib.sha1(listing.encode()).hexdigest()


def load_repos(root: str) -> dict:
    """Every ORG/NAME folder under `root` -> Repo."""
    repos = {}
    for org in sorted(os.listdir(root)):
        org_dir = os.path.join(root, org)
        if not os.path.isdir(org_dir):
            continue
        for name in sorted(os.listdir(org_dir)):
            repo_dir = os.path.join(org_dir, name)
            if not os.path.isdir(repo_dir):
                continue
            repo = Repo(repo_id=f"{org}/{name}")
            for path in _list_files(repo_dir):
                with open(os.path.join(repo_dir, path), "rb") as fh:
                    content = fh.read()
                repo.files[path] = RepoFile(path, content, path.endswith(LFS_SUFFIXES))
            repo.commit = _commit_for(repo)
            repos[repo.repo_id] = repo
    return repos
