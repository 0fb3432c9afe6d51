"""The `portal` console entry point.

Each audience of commands lives in its own module under ``portal.cli`` and
exposes a ``register(group)`` function; this module only wires them together.
Commands print one clear line and exit non-zero on bad input, never a traceback.
"""

from __future__ import annotations

import importlib

import click

# Modules that contribute commands, in the order `portal --help` lists them.
_COMMAND_MODULES = (
    "portal.cli.crypto_cmds",
    "portal.cli.app_cmds",
    "portal.cli.scrub_cmds",
    "portal.cli.staff_cmds",
    "portal.cli.case_cmds",
    "portal.cli.ops_cmds",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Reprisal-report portal: keys, encryption, the web app and its operations."""


for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(main)
