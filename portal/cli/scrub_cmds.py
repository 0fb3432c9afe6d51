"""`portal scrub FILE... [-o DIR] [--json]`: clean files offline.

The same code as intake, so a reviewer can clean a file before forwarding it
and see the same report.  Only cleaned files are written to DIR: a file that
could not be cleaned is never copied there, so nothing in DIR still carries
metadata.  Exit status 1 when any file was rejected or could not be cleaned.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from portal.scrub import Limits, ScrubResult, oversize_result, scrub, sniff_type


def register(group: click.Group) -> None:
    """Add the `scrub` command to the `portal` group."""
    group.add_command(scrub_cmd)


@click.command("scrub")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the cleaned files here (the folder must exist). Without it, "
                   "only report.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def scrub_cmd(files: tuple[Path, ...], output_dir: Path | None, as_json: bool) -> None:
    """Remove identifying metadata from FILES and report what was removed.

    Only cleaned files are written to DIR; a file that could not be cleaned is
    reported and never copied there. Exit status 1 when any file was not cleaned.
    """
    if output_dir is not None and not output_dir.is_dir():
        raise click.UsageError(f"{output_dir}: no such directory")
    limits = Limits()
    reports = []
    failed = 0
    for path in files:
        result = _scrub_file(path, limits)
        written = _write(result, output_dir) if output_dir is not None else None
        if result.outcome in ("rejected", "not_scrubbed"):
            failed += 1
        reports.append({"source": str(path), "written": str(written) if written else None,
                        **result.report()})
        if not as_json:
            _print(path, result, written, output_dir)
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} file(s) were not cleaned")


def _scrub_file(path: Path, limits: Limits) -> ScrubResult:
    """Scrub one file, or report it as too big without reading it whole."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
            media_type = sniff_type(head)
            if os.fstat(fh.fileno()).st_size > limits.cap_for(media_type):
                return oversize_result(path.name, media_type)
            data = head + fh.read()
    except OSError as exc:
        raise click.ClickException(f"{path}: {exc.strerror or 'cannot be read'}") from exc
    return scrub(data, path.name, limits=limits)


def _write(result: ScrubResult, output_dir: Path) -> Path | None:
    """Write a cleaned file under a name that exists nowhere in DIR yet."""
    if result.data is None or result.outcome not in ("cleaned", "unchanged"):
        return None
    stem, dot, ext = result.filename.rpartition(".")
    if not dot:
        stem, ext = result.filename, ""
    for n in range(1, 1000):
        name = result.filename if n == 1 else f"{stem}-{n}{dot}{ext}"
        target = output_dir / name
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise click.ClickException(f"{target}: {exc.strerror}") from exc
        with os.fdopen(fd, "wb") as out:
            out.write(result.data)
        return target
    raise click.ClickException(f"{output_dir}: too many files named {result.filename}")


def _print(path: Path, result: ScrubResult, written: Path | None, output_dir: Path | None) -> None:
    if result.outcome == "rejected":
        click.echo(f"{path}: rejected: {result.reason}")
    else:
        where = f" -> {written}" if written else ("" if output_dir else " (report only)")
        click.echo(f"{path}: {result.outcome} as {result.media_type}{where}")
    if result.removed:
        click.echo("  removed: " + "; ".join(result.removed))
    elif result.outcome == "cleaned":
        click.echo("  removed: nothing identifying was found")
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")
