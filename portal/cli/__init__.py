"""The `portal` console entry point.

Each audience of commands lives in its own module under ``portal.cli`` and
exposes a ``register(group)`` function; this module only wires them together.
A module is imported only when one of its commands runs (or ``--help`` lists
them all), so ``portal scrub`` does not pay for loading the web app or the
crypto library. Commands print one clear line and exit non-zero on bad input,
never a traceback.
"""

from __future__ import annotations

import importlib

import click

# Every command and the modules that contribute to it ("db" has subcommands from
# two). tests/cli/test_entry_point.py checks this table against the modules.
COMMANDS: dict[str, tuple[str, ...]] = {
    "keygen": ("portal.cli.crypto_cmds",),
    "encrypt": ("portal.cli.crypto_cmds",),
    "decrypt": ("portal.cli.crypto_cmds",),
    "db": ("portal.cli.app_cmds", "portal.cli.ops_cmds"),
    "demo": ("portal.cli.app_cmds",),
    "recipient": ("portal.cli.app_cmds",),
    "run": ("portal.cli.app_cmds",),
    "storage": ("portal.cli.app_cmds",),
    "scrub": ("portal.cli.scrub_cmds",),
    "admin": ("portal.cli.staff_cmds",),
    "audit": ("portal.cli.staff_cmds",),
    "export-blobs": ("portal.cli.staff_cmds",),
    "rekey": ("portal.cli.staff_cmds",),
    "export": ("portal.cli.case_cmds",),
    "export-key": ("portal.cli.case_cmds",),
    "verify-export": ("portal.cli.case_cmds",),
    "backup": ("portal.cli.ops_cmds",),
    "doctor": ("portal.cli.ops_cmds",),
    "retention": ("portal.cli.ops_cmds",),
}


class _LazyGroup(click.Group):
    """A group that imports a command's modules the first time it is asked for."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._loaded: set[str] = set()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module in COMMANDS.get(cmd_name, ()):
            if module not in self._loaded:
                self._loaded.add(module)
                importlib.import_module(module).register(self)
        return self.commands.get(cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Reprisal-report portal: keys, encryption, the web app and its operations."""
