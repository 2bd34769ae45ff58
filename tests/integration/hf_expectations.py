"""What the fixture repos must look like through any Hugging Face-compatible server.

The tables are copied by hand from protocols/hf.md section 7 (they were computed there from the files,
independently of the fake hub and of mirrord), so a test comparing against them checks both.
"""

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE.parent / "data" / "hf"
REPOS_DIR = DATA_DIR / "repos"
TRANSCRIPT = DATA_DIR / "client-transcript.jsonl"

QWEN_COMMIT = "7ae557604adf67be50417f59c2c2f167def9a775"
Q05 = "Qwen/Qwen2.5-0.5B-Instruct"
Q7 = "Qwen/Qwen2.5-7B-Instruct"
LEGACY = "legacy/pickled-model"

# path -> (size, etag, tree oid, pointerSize or None for regular files)
_SMALL_FILES = {
    "LICENSE": (29, "8cd6d813938abc7a207b689c8f8660f7e9988f5a"),
    "README.md": (65, "22b35a8728f282f70781f1673ea4bf4054997dd1"),
    "chat_template.jinja": (92, "1971e58f0cf54054522b597d5866c7a2a9b30895"),
    "config.json": (785, "e9e9555b7038faff90a6e8143f863595d30c27ad"),
    "generation_config.json": (153, "ee20573b1adaedd67b4f07a4a09702ced4dff906"),
    "tokenizer.json": (8372, "13e37b345e02a5098e51f85b30a1334215be13f2"),
    "tokenizer_config.json": (188, "241c7db31f6c06a2a825045278f0a2ca3af2e5b7"),
}
_REGULAR = {path: (size, oid, oid, None) for path, (size, oid) in _SMALL_FILES.items()}

TABLE = {
    Q05: {
        **_REGULAR,
        "model.safetensors": (
            189680, "f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2",
            "eef48b4141df6ea0c316625d30d40a234d5a403a", 131),
    },
    Q7: {
        **_REGULAR,
        "model-00001-of-00006.safetensors": (
            38528, "dcfa0b71462f66338cd06255779de4e34d6997028370522a247ef0d4a5959e56",
            "0d62631f1e1896166c842f1c4aa173f705d26953", 130),
        "model-00002-of-00006.safetensors": (
            25568, "e34055abe8dc212a7b973bd647ec75f3f32ce9962f09176520b634077bbc3845",
            "68959977988d3e6dd7c87ba2b246f5aef1116965", 130),
        "model-00003-of-00006.safetensors": (
            33008, "cab96d006effe7cadff891bf4585ec6349960ea16dba0258c868c1473595c591",
            "9cf6caa3b623458dd661f965197d2ac85f68682e", 130),
        "model-00004-of-00006.safetensors": (
            34224, "97eba75fccc59757ef538cff4a4102700d0093e807a03701bef6af3a6d2078b0",
            "fe3710d2177ca698917d8500c2250058b615b863", 130),
        "model-00005-of-00006.safetensors": (
            24816, "7cdb3c04eb268d2df7782f413e9c59cf4a49ab798d42b47093385af14dd8767d",
            "b2e86e3d3e87a7e1af33fc2fd26eb84b0c8c7c0d", 130),
        "model-00006-of-00006.safetensors": (
            33672, "c05b1a4b6493b091ba2a45c42e84f14da3dee153e4919e0f8bb430730ff0995e",
            "daf65622c8fd2bbf10f795c362aade5f7bcc8abd", 130),
        "model.safetensors.index.json": (
            2180, "5b579ce928ccc756046d1165d313a1eafabdbf7a",
            "5b579ce928ccc756046d1165d313a1eafabdbf7a", None),
    },
    LEGACY: {
        "config.json": _REGULAR["config.json"],  # the same bytes as the Qwen config.json
        "pytorch_model.bin": (
            197461, "ad09db9ce1c2d7d578607940a42d8fe70562bab49f79d4036cff93e2b7ca3423",
            "453bfd73632baae805a805b8eaed7e0bd1e099da", 131),
    },
}


def is_lfs(repo, path):
    return TABLE[repo][path][3] is not None


def total_bytes(repo):
    return sum(entry[0] for entry in TABLE[repo].values())


def original_bytes(repo, path) -> bytes:
    return (REPOS_DIR / repo / path).read_bytes()


def original_sha256(repo, path) -> str:
    return hashlib.sha256(original_bytes(repo, path)).hexdigest()
