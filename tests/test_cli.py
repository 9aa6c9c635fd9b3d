"""CLI: every command documented; detect and check print what a user needs."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer
from typer.testing import CliRunner

from planparse.cli import app
from tests.conftest import RAW

runner = CliRunner()


def test_every_command_and_option_has_help_text() -> None:
    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    assert set(commands) >= {"extract", "detect", "check", "golden", "schema"}
    for name, command in commands.items():
        assert command.help and len(command.help) > 20, f"command {name} lacks help text"
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name} lacks help text"


def test_detect_prints_format_and_confidence(tmp_path: Path) -> None:
    copy = tmp_path / "renamed.bin"
    shutil.copy(RAW / "musashino_info_plan7_progress.md", copy)
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["detect", str(copy), str(tmp_path / "empty.txt")])
    assert result.exit_code == 1  # the empty file cannot be detected
    assert "renamed.bin  musashino_progress_sheet  confidence 1.00" in result.output
    assert "empty_file" in result.output


def test_check_without_outputs_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "run `planparse extract` first" in result.output


def test_check_lists_self_check_findings(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["extract", str(RAW / "musashino_info_plan7_progress.md"), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["check", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "musashino_info_plan7_progress.md" in result.output
    assert "check_ancestor_variant" in result.output


def test_schema_to_stdout() -> None:
    result = runner.invoke(app, ["schema", "--output", "-"])
    assert result.exit_code == 0 and '"initiatives"' in result.output


def test_detect_reports_paths_that_are_not_files(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "m.md").write_bytes((RAW / "musashino_info_plan7_progress.md").read_bytes())
    result = CliRunner().invoke(app, ["detect", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'loop'}  error symlink_loop: symbolic link loop" in result.output
    assert "m.md  musashino_progress_sheet  confidence 1.00" in result.output
