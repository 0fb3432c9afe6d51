"""`portal scrub`: the same report offline, cleaned files written, clear errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from portal.cli.scrub_cmds import scrub_cmd
from tests.scrub import scrub_corpus as c


def test_cleans_into_output_dir(tmp_path):
    src = tmp_path / "in"
    out = tmp_path / "out"
    src.mkdir()
    out.mkdir()
    (src / "IMG_20240301_142233.jpg").write_bytes(c.jpeg_full())
    (src / "statement.docx").write_bytes(c.docx_full())
    result = CliRunner().invoke(scrub_cmd, [str(src / "IMG_20240301_142233.jpg"),
                                       str(src / "statement.docx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "GPS location" in result.output and "author name" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["picture.jpg", "statement.docx"]
    assert c.PERSON.encode() not in (out / "picture.jpg").read_bytes()


def test_never_overwrites(tmp_path):
    (tmp_path / "a.png").write_bytes(c.png_full())
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.png").write_bytes(b"keep me")
    result = CliRunner().invoke(scrub_cmd, [str(tmp_path / "a.png"), "-o", str(out)])
    assert result.exit_code == 0
    assert (out / "a.png").read_bytes() == b"keep me"
    assert (out / "a-2.png").exists()


def test_json_report(tmp_path):
    (tmp_path / "r.pdf").write_bytes(c.pdf_full(pages=2))
    result = CliRunner().invoke(scrub_cmd, ["--json", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report[0]["outcome"] == "cleaned" and report[0]["written"] is None
    assert "JavaScript" in report[0]["removed"]


def test_rejected_and_unsupported_exit_1_and_are_not_written(tmp_path):
    (tmp_path / "bomb.png").write_bytes(c.png_bomb())
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)))
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(scrub_cmd, [str(tmp_path / "bomb.png"),
                                       str(tmp_path / "blob.bin"), "-o", str(out)])
    assert result.exit_code == 1
    assert "rejected: The picture is too large" in result.output
    assert "Metadata was not removed." in result.output
    assert "2 of 2 file(s) were not cleaned" in result.output
    assert list(out.iterdir()) == []
    assert "Traceback" not in result.output


def test_missing_file_and_missing_dir_are_usage_errors(tmp_path):
    result = CliRunner().invoke(scrub_cmd, [str(tmp_path / "nope.jpg")])
    assert result.exit_code == 2 and "does not exist" in result.output
    (tmp_path / "a.txt").write_text("hi")
    result = CliRunner().invoke(scrub_cmd, [str(tmp_path / "a.txt"), "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and "no such directory" in result.output


def test_registered_as_portal_scrub(tmp_path):
    from portal.cli import main  # imported here: the group loads every command module

    (tmp_path / "a.txt").write_text("hello")
    result = CliRunner().invoke(main, ["scrub", str(tmp_path / "a.txt")])
    assert result.exit_code == 0, result.output
    assert "unchanged as text/plain" in result.output
