"""`callcenter pbx dialplan`, run in-process against a fresh data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialplan_support import lint

from callcenter.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        main(["--actor", "test:admin", *args])
    captured = capsys.readouterr()
    code = ended.value.code if isinstance(ended.value.code, int) else 0
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CALLCENTER_CONFIG", raising=False)
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_writes_the_file_and_says_how_to_reload(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "asterisk" / "extensions_callhours.conf"
    code, out, err = run(capsys, "pbx", "dialplan", "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert "[callhours-fallback-auslaender-a]" in text
    assert lint(text) == []
    assert str(target) in out
    assert "dialplan reload" in out
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp file left


def test_default_target_is_the_configured_file_in_the_data_directory(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, _, err = run(capsys, "pbx", "dialplan")
    assert code == 0, err
    assert (
        (data_dir / "extensions_callhours.conf")
        .read_text(encoding="utf-8")
        .startswith("; extensions_callhours.conf: GENERATED")
    )


def test_dash_writes_only_the_dialplan_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "pbx", "dialplan", "-o", "-")
    assert code == 0
    assert out.startswith("; extensions_callhours.conf: GENERATED")
    assert out.rstrip().endswith(" same => n,Hangup()")
    assert lint(out) == []


def test_a_schedule_change_shows_up_in_the_next_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "hours", "set", "auslaender-a", "Mo-Fr 13:00-15:00")[0] == 0
    _, out, _ = run(capsys, "pbx", "dialplan", "-o", "-")
    assert "GotoIfTime(13:00-14:59,mon-fri,*,*,Europe/Berlin?isopen)" in out
    assert "09:00-11:59,mon-thu" not in out.split("[callhours-fallback-auslaender-b]")[0]


def test_help_is_german_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "pbx", "dialplan", "--help")
    assert code == 0
    assert "erzeugen" in out
    assert "Generate" in out
