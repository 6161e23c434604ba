"""Write-once snapshots of a synced collection at one source version, shared by every process of a DATA_DIR.

A snapshot is one file (entries, ids and FAISS index together, so they always match) named by the collection and
the source version. It is created with a hard link that fails when the name exists: the first process to build a
version writes it, every other process only reads it, so no file is ever written by two processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path

from vector_memory.collection import Collection, Entry, synced_temp
from vector_memory.index import VectorIndex

_MAGIC = b"VMSNAP1\n"
_LENGTH = struct.Struct("<Q")
SUFFIX = ".snap"


def snapshot_path(folder: Path, stem: str, version: str, space: str) -> Path:
    """Where the snapshot of collection `stem` at `version` in embedding `space` lives."""
    digest = hashlib.sha256(f"{space}\0{version}".encode()).hexdigest()[:24]
    return folder / f"{stem}@{digest}{SUFFIX}"


def snapshots_of(folder: Path, stem: str) -> list[Path]:
    """The snapshot files of collection `stem`, newest first (normally one: older ones are removed)."""
    found = []
    for path in folder.glob(f"{stem}@*{SUFFIX}"):
        try:
            found.append((path.stat().st_mtime_ns, path))
        except FileNotFoundError:
            continue  # removed by a process that just wrote a newer version
    return [path for _, path in sorted(found, reverse=True)]


def create_once(path: Path, data: bytes) -> bool:
    """Create `path` holding `data` unless it exists (then leave it alone); True when this call created it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = synced_temp(path, data)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def write_snapshot(coll: Collection, path: Path) -> bool:
    """Save `coll` (in memory) as the snapshot at `path` unless one is there; others of its stem are removed."""
    state = {
        "collection": coll.name,
        "version": coll.version,
        "next_id": coll.next_id,
        "dead": sorted(coll.index.dead) if coll.index else [],
        "entries": [[i, e.key, e.text, e.meta] for i, e in coll.entries.items()],
    }
    head = json.dumps(state, ensure_ascii=False).encode("utf-8")
    body = coll.index.to_bytes() if coll.index is not None else b""
    created = create_once(path, _MAGIC + _LENGTH.pack(len(head)) + head + body)
    stem = path.name.split("@", 1)[0]
    for old in path.parent.glob(f"{stem}@*{SUFFIX}"):
        if old != path:
            old.unlink(missing_ok=True)  # an older version: a reader that already opened it keeps its copy
    return created


def read_snapshot(coll: Collection, path: Path) -> bool:
    """Fill an empty in-memory `coll` from the snapshot at `path`; False (and `coll` untouched) when unusable."""
    try:
        data = path.read_bytes()
        if not data.startswith(_MAGIC):
            return False
        start = len(_MAGIC) + _LENGTH.size
        (length,) = _LENGTH.unpack_from(data, len(_MAGIC))
        state = json.loads(data[start : start + length].decode("utf-8"))
        if state.get("collection") != coll.name:
            return False
        dead = {int(i) for i in state["dead"]}
        body = data[start + length :]
        index = VectorIndex.from_bytes(body, coll.hnsw_threshold, dead) if body else None
        entries = {int(i): Entry(key, text, meta) for i, key, text, meta in state["entries"]}
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, struct.error):
        return False
    if index is None and entries:
        return False
    if index is not None and set(index.ids().tolist()) - dead != set(entries):
        return False
    coll.entries = entries
    coll.by_key = {entry.key: ident for ident, entry in entries.items()}
    coll.version, coll.next_id, coll.index = state["version"], int(state["next_id"]), index
    return True
