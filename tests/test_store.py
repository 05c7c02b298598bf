"""The store: files are the truth, writes are atomic, content is stored once."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import PRIVACY, history

from policydiff.errors import StoreError
from policydiff.models import Snapshot
from policydiff.sources import read_file
from policydiff.store import Store, default_root, url_key

URL = "https://telegram.org/privacy"


def capture(path: Path) -> Snapshot:
    moment = datetime.strptime(path.stem, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return Snapshot(
        content=path.read_bytes(),
        url=URL,
        captured_at=moment,
        media_type="text/markdown",
        source="wayback",
        digest=f"D{path.stem}",
    )


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://telegram.org/privacy", "telegram.org/privacy"),
        ("http://www.telegram.org/privacy/", "telegram.org/privacy"),
        ("telegram.org/privacy?setln=de", "telegram.org/privacy~setln=de"),
        ("https://example.com", "example.com"),
    ],
)
def test_url_keys(url: str, key: str) -> None:
    assert url_key(url) == key


def test_put_writes_the_capture_and_its_provenance(tmp_path: Path) -> None:
    store = Store(tmp_path)
    stored = store.put(capture(PRIVACY / "20240715181441.md"), http_status=200)
    assert stored.path == tmp_path / "telegram.org/privacy/20240715181441.md"
    meta = json.loads(stored.path.with_name(stored.path.name + ".json").read_text())
    assert meta["sha256"] == hashlib.sha256(stored.path.read_bytes()).hexdigest()
    assert meta["url"] == URL and meta["http_status"] == 200 and meta["digest"] == "D20240715181441"
    assert read_file(stored.path).captured_at == datetime(2024, 7, 15, 18, 14, 41, tzinfo=UTC)
    assert sorted(p.name for p in stored.path.parent.iterdir()) == [
        "20240715181441.md",
        "20240715181441.md.json",
    ]


def test_identical_content_is_stored_once(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first = store.put(capture(PRIVACY / "20240715181441.md"))
    later = Snapshot(
        content=first.path.read_bytes(),
        url=URL,
        captured_at=datetime(2024, 8, 1, tzinfo=UTC),
        media_type="text/markdown",
    )
    assert store.put(later).path == first.path
    assert len(store.captures(URL)) == 1


def test_nearest_capture_at_or_before(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for path in history()[25:30]:
        store.put(capture(path))
    found = store.at(URL, datetime(2024, 9, 1, tzinfo=UTC))
    assert found is not None and found.path.name == "20240715181441.md"
    assert store.at(URL, datetime(2020, 1, 1, tzinfo=UTC)) is None
    latest = store.latest("telegram.org/privacy")
    assert latest is not None and latest.path.name == history()[29].name


def test_the_bundled_snapshots_are_a_store() -> None:
    store = Store(PRIVACY.parent.parent)
    assert len(store.captures(URL)) == 41
    assert len(store.captures("https://telegram.org/privacy?lang=de")) == 2


def test_a_capture_without_sidecar_is_an_interrupted_write(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put(capture(PRIVACY / "20240715181441.md"))
    orphan = tmp_path / "telegram.org/privacy/20240923152623.md"
    orphan.write_bytes(b"half a file")
    (tmp_path / "telegram.org/privacy/.20241001000000.md.tmp").write_bytes(b"temporary")
    assert [s.path.name for s in store.captures(URL)] == ["20240715181441.md"]
    assert store.rebuild_index() == 1
    assert store.keys() == ["telegram.org/privacy"]


def test_a_damaged_sidecar_is_a_clear_error(tmp_path: Path) -> None:
    store = Store(tmp_path)
    stored = store.put(capture(PRIVACY / "20240715181441.md"))
    stored.path.with_name(stored.path.name + ".json").write_text("{not json")
    with pytest.raises(StoreError, match="damaged sidecar"):
        store.captures(URL)


def test_default_root_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POLICYDIFF_STORE", str(tmp_path / "mine"))
    assert default_root() == tmp_path / "mine"
    monkeypatch.delenv("POLICYDIFF_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_root() == tmp_path / "data" / "policydiff" / "store"


WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from policydiff.models import Snapshot
from policydiff.store import Store
store = Store(sys.argv[1])
paths = [Path(p) for p in sys.argv[2:]]
for path in paths:
    moment = datetime.strptime(path.stem, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    store.put(Snapshot(content=path.read_bytes(), url="https://telegram.org/privacy",
                       captured_at=moment, media_type="text/markdown"))
"""


def test_two_processes_writing_at_once_corrupt_nothing(tmp_path: Path) -> None:
    paths = [str(p) for p in history()[:20]]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), *order],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for order in (paths, paths[::-1])
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    store = Store(tmp_path)
    stored = store.captures(URL)
    assert len(stored) == 20
    for item in stored:
        assert hashlib.sha256(item.path.read_bytes()).hexdigest() == item.sha256
    leftovers = [p for p in (tmp_path / "telegram.org/privacy").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert store.rebuild_index() == 20
