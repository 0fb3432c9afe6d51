"""Print the one reliability table from the figures the suites wrote.

    python -m tests.reliability.report FIGURES_DIR [--markdown]

`make reliability` points RELIABILITY_FIGURES at a temporary folder, runs the suites,
then runs this. Exits non-zero when anything was lost, leaked or answered 5xx, when
a kill or hostile case failed, or when a suite left no figures (it did not run).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SUITES = ("load", "crash", "seized", "storage", "hostile", "fuzz")
COLUMNS = ("suite", "sent", "acknowledged", "verified", "lost", "leaked", "5xx", "429",
           "kills survived", "cases tried/passed", "seconds")


def _load(folder: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for suite in (*SUITES, "durations"):
        path = folder / f"{suite}.json"
        if path.exists():
            found[suite] = json.loads(path.read_text())
    return found


def rows(figures: dict[str, dict[str, Any]]) -> tuple[list[list[str]], list[str]]:
    """Table rows (one per suite plus a total) and the problems found."""
    seconds = figures.get("durations", {})
    load, crash = figures.get("load", {}), figures.get("crash", {})
    seized, storage = figures.get("seized", {}), figures.get("storage", {})
    hostile, fuzz = figures.get("hostile", {}), figures.get("fuzz", {})

    def secs(module: str) -> str:
        return f"{seconds[module]:.0f}" if module in seconds else "-"

    table = [
        ["load", load.get("sent"), load.get("acknowledged"), load.get("verified"),
         load.get("lost"), "", load.get("server_errors"), load.get("refused_429"), "", "",
         secs("test_load")],
        ["crash", crash.get("sent"), crash.get("acknowledged"), crash.get("verified"),
         crash.get("lost"), crash.get("leaked"), crash.get("server_errors"),
         crash.get("refused_429"), crash.get("kills") if crash.get("lost") == 0 else 0, "",
         secs("test_crash")],
        ["seized server", "", "", "", "", seized.get("leaked"), "", "", "", "", ""],
        ["disk full / read-only", "", "", "", "", "", "", "", "",
         f"{storage.get('tried', '-')}/{storage.get('passed', '-')}",
         secs("test_storage_faults")],
        ["hostile input", "", "", "", "", "", "", "", "",
         f"{hostile.get('tried', '-')}/{hostile.get('passed', '-')}", secs("test_hostile")],
        ["fuzzing (inputs)", fuzz.get("inputs"), "", "", "", "", "", "", "", "",
         secs("test_fuzz")],
    ]

    def total(key: str, *parts: dict[str, Any]) -> int:
        return sum(int(p.get(key) or 0) for p in parts)

    tried = total("tried", storage, hostile)
    passed = total("passed", storage, hostile)
    table.append(["TOTAL", total("sent", load, crash), total("acknowledged", load, crash),
                  total("verified", load, crash), total("lost", load, crash),
                  total("leaked", crash, seized), total("server_errors", load, crash),
                  total("refused_429", load, crash), crash.get("kills", 0),
                  f"{tried}/{passed}", f"{sum(seconds.values()):.0f}" if seconds else "-"])
    problems = [f"no figures from the {s} suite" for s in SUITES if s not in figures]
    for name, value in (("lost", total("lost", load, crash)),
                        ("leaked", total("leaked", crash, seized)),
                        ("5xx", total("server_errors", load, crash)),
                        ("failed hostile/storage cases", tried - passed)):
        if value:
            problems.append(f"{name}: {value}")
    if total("verified", load, crash) != total("acknowledged", load, crash):
        problems.append("not every acknowledged submission was verified")
    return [["" if v is None else str(v) for v in row] for row in table], problems


def render(table: list[list[str]], markdown: bool = False) -> str:
    """The table as aligned text (or Markdown for the README)."""
    if markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(row) + " |" for row in table]
        return "\n".join(lines)
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in table)) for i in range(len(COLUMNS))]
    line = "  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in
                      enumerate(zip(row, widths, strict=True))) for row in table]
    return "\n".join([line, rule, *body[:-1], rule, body[-1]])


def main(argv: list[str]) -> int:
    """Print the table; non-zero exit when a figure is wrong or missing."""
    if not argv:
        print("usage: python -m tests.reliability.report FIGURES_DIR [--markdown]",
              file=sys.stderr)
        return 2
    table, problems = rows(_load(Path(argv[0])))
    print(render(table, markdown="--markdown" in argv))
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
