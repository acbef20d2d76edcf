"""The pseudonym key file: 0600 on creation, reused afterwards, refused when others can read it."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.privacy import KEY_BYTES, KeyFileError, load_or_create_key


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_start_creates_a_private_random_key(tmp_path: Path) -> None:
    path = tmp_path / "data" / "pseudonym.key"
    old_umask = os.umask(0)  # even a permissive umask must not widen the file's mode
    try:
        key = load_or_create_key(path)
    finally:
        os.umask(old_umask)
    assert len(key) == KEY_BYTES
    assert mode(path) == 0o600
    assert path.read_bytes() == key
    Pseudonymizer(key)  # long enough to be used


def test_second_start_reuses_the_key(tmp_path: Path) -> None:
    path = tmp_path / "pseudonym.key"
    first = load_or_create_key(path)
    assert load_or_create_key(path) == first
    assert load_or_create_key(tmp_path / "other.key") != first


def test_concurrent_first_starts_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "pseudonym.key"
    keys: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: keys.append(load_or_create_key(path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["pseudonym.key"]  # no staging files left


@pytest.mark.parametrize("loose", [0o644, 0o604, 0o640, 0o660])
def test_key_readable_by_others_is_refused(tmp_path: Path, loose: int) -> None:
    path = tmp_path / "pseudonym.key"
    load_or_create_key(path)
    path.chmod(loose)
    with pytest.raises(KeyFileError, match="chmod 600") as refused:
        load_or_create_key(path)
    assert str(path) in refused.value.en


def test_truncated_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pseudonym.key"
    path.write_bytes(b"short")
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="zu kurz"):
        load_or_create_key(path)


def test_directory_instead_of_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pseudonym.key"
    path.mkdir(mode=0o700)
    with pytest.raises(KeyFileError, match="keine normale Datei"):
        load_or_create_key(path)
