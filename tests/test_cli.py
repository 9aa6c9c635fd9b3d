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


def test_version() -> None:
    from planparse import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"planparse {__version__}"


def test_formats_lists_every_format_with_its_markers() -> None:
    from planparse.parsers import PARSERS
    from tests.conftest import ROOT

    result = runner.invoke(app, ["formats"])
    assert result.exit_code == 0, result.output
    for name in PARSERS:
        assert f"docs: docs/formats/{name}.md" in result.output
        assert (ROOT / "docs" / "formats" / f"{name}.md").is_file(), name
    assert "八王子市 132012" in result.output and "管理番号 x-y-z" in result.output
    assert "``" not in result.output


def test_unknown_format_names_the_supported_formats(tmp_path: Path) -> None:
    from planparse.parsers import PARSERS
    from planparse.pipeline import extract_file

    path = tmp_path / "minutes.txt"
    path.write_text("議事録\n令和6年度 第1回 会議\n出席者: 10名\n", encoding="utf-8")
    issue = next(i for i in extract_file(path).issues if i.code == "unknown_format")
    assert all(name in issue.message for name in PARSERS), issue.message
    assert "docs/formats/" in issue.message and "planparse formats" in issue.message


def test_help_has_no_raw_markup_or_type_placeholders() -> None:
    import os
    import subprocess
    import sys

    names = [None, *typer.main.get_command(app).commands]  # type: ignore[attr-defined]
    for name in names:
        args = [name, "--help"] if name else ["--help"]
        out = subprocess.run([sys.executable, "-m", "planparse.cli", *args], capture_output=True, text=True,
                             env={**os.environ, "COLUMNS": "100"}, check=True).stdout
        assert "Usage: " in out
        for bad in ("``", "<bool>", "<list", "<path>", "{", "[/]", "[bold]"):
            assert bad not in out, f"planparse {name or ''} --help shows {bad!r}:\n{out}"


def test_schema_default_path_is_the_projects(tmp_path: Path, monkeypatch) -> None:
    from tests.conftest import ROOT

    monkeypatch.chdir(tmp_path)
    target = ROOT / "schemas" / "planparse.schema.json"
    before = target.read_text(encoding="utf-8")
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0 and str(target) in result.output
    assert not (tmp_path / "schemas").exists()
    assert target.read_text(encoding="utf-8") == before  # the published schema is current


def test_file_names_are_printed_as_written(tmp_path: Path) -> None:
    """rich would turn ":memo:" into an emoji; the CLI prints names and source texts verbatim."""
    source = tmp_path / "plan:memo:.md"
    source.write_bytes((RAW / "koganei_dx_action_plan_2026.md").read_bytes())
    result = CliRunner().invoke(app, ["extract", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "plan:memo:.md  koganei_roadmap" in result.output
