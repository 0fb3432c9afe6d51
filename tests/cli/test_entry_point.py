"""The `portal` command: its lazy command table matches what the modules register."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click
from click.testing import CliRunner

from portal.cli import COMMANDS, main


def test_command_table_matches_the_modules() -> None:
    registered: dict[str, set[str]] = {}
    for module in {m for modules in COMMANDS.values() for m in modules}:
        group = click.Group()
        importlib.import_module(module).register(group)
        for name in group.commands:
            registered.setdefault(name, set()).add(module)
    assert registered == {name: set(modules) for name, modules in COMMANDS.items()}


def test_help_lists_every_command_and_unknown_ones_fail() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["--help"])
    assert listed.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in listed.output
    unknown = runner.invoke(main, ["no-such-command"])
    assert unknown.exit_code == 2 and "No such command" in unknown.output


def test_offline_commands_do_not_load_the_web_app() -> None:
    code = ("import sys; from portal.cli import main\n"
            "try:\n    main(['scrub', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('flask', 'sqlalchemy', 'crypto') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
