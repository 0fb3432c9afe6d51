"""The inbox query: filters and pages computed by the database, not in Python.

Only clear triage columns are read (no blobs, no entries). Pages are walked with a
cursor (keyset pagination: "rows after this (urgent, date, id)") instead of OFFSET,
so page 1,500 costs what page 1 costs; each filter has an index whose order is the
inbox order (portal.staff_models). The total is counted up to COUNT_CAP only, so a
page never pays for counting 100,000 rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from portal.models import Report, ReportStatus

COUNT_CAP = 1_000
_CURSOR = re.compile(r"\A([01])\.(\d{4}-\d{2}-\d{2})\.([0-9a-f]{32})\Z")


@dataclass(frozen=True)
class Filters:
    """What the reviewer asked for (already validated)."""

    status: str | None = None  # None: every status except deleted; "all": everything
    urgent: bool = False
    assignee: int | None = None  # an account id, or 0 for "nobody"
    metadata_kept: bool = False
    after: tuple[bool, dt.date, str] | None = None  # rows after this key (next page)
    before: tuple[bool, dt.date, str] | None = None  # rows before this key (previous page)
    number: int = 1  # page number shown (carried in the links)
    show_tags: bool = False  # decrypt the tags of the reports on this page

    def query_args(self) -> dict[str, str]:
        """The filter part of the URL (without the cursor)."""
        args: dict[str, str] = {}
        if self.status:
            args["status"] = self.status
        if self.urgent:
            args["urgent"] = "1"
        if self.assignee is not None:
            args["assignee"] = str(self.assignee)
        if self.metadata_kept:
            args["metadata"] = "1"
        if self.show_tags:
            args["tags"] = "1"
        return args


@dataclass(frozen=True)
class Page:
    """One page of the inbox and the cursors to its neighbours."""

    rows: list[Any]
    total: int
    total_capped: bool
    number: int
    next_cursor: str | None
    prev_cursor: str | None


def _cursor(text: str | None) -> tuple[bool, dt.date, str] | None:
    match = _CURSOR.match(text or "")
    if match is None:
        return None
    try:
        return match.group(1) == "1", dt.date.fromisoformat(match.group(2)), match.group(3)
    except ValueError:
        return None


def cursor_of(row: Any) -> str:
    """The cursor text of a row."""
    return f"{int(bool(row.urgent))}.{row.received_on.isoformat()}.{row.id}"


def parse_filters(args: Any) -> Filters:
    """Filters from query arguments; anything unknown is ignored, never an error."""
    status = args.get("status") or None
    if status not in {s.value for s in ReportStatus} and status != "all":
        status = None
    assignee_text = args.get("assignee", "")
    assignee = int(assignee_text) if assignee_text.isdigit() and len(assignee_text) < 10 else None
    number_text = args.get("n", "1")
    number = int(number_text) if number_text.isdigit() and len(number_text) < 8 else 1
    after, before = _cursor(args.get("after")), _cursor(args.get("before"))
    if after is None and before is None:
        number = 1
    return Filters(status=status, urgent=args.get("urgent") == "1", assignee=assignee,
                   metadata_kept=args.get("metadata") == "1", show_tags=args.get("tags") == "1",
                   after=after,
                   before=None if after else before, number=max(1, number))


def _filtered(query: Select[Any], filters: Filters) -> Select[Any]:
    if filters.status is None:
        query = query.where(Report.status != ReportStatus.DELETED.value)
    elif filters.status != "all":
        query = query.where(Report.status == filters.status)
    if filters.urgent:
        query = query.where(Report.urgent.is_(True))
    if filters.assignee == 0:
        query = query.where(Report.assignee_id.is_(None))
    elif filters.assignee is not None:
        query = query.where(Report.assignee_id == filters.assignee)
    if filters.metadata_kept:
        query = query.where(Report.metadata_kept.is_(True))
    return query


_KEY = (Report.urgent, Report.received_on, Report.id)
_COLUMNS = (Report.id, Report.received_on, Report.updated_on, Report.status, Report.urgent,
            Report.assignee_id, Report.metadata_kept)


def count(session: Session, filters: Filters) -> tuple[int, bool]:
    """How many reports match, counted up to COUNT_CAP (and whether it was capped)."""
    inner = _filtered(select(Report.id), filters).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(inner)) or 0
    return min(total, COUNT_CAP), total > COUNT_CAP


def list_page(session: Session, filters: Filters, page_size: int) -> Page:
    """The requested page: newest urgent first, then newest; cursors both ways."""
    query = _filtered(select(*_COLUMNS), filters)
    backwards = filters.before is not None
    if filters.after is not None:
        query = query.where(tuple_(*_KEY) < tuple_(*filters.after))
    elif filters.before is not None:
        query = query.where(tuple_(*_KEY) > tuple_(*filters.before))
    if backwards:
        query = query.order_by(Report.urgent.asc(), Report.received_on.asc(), Report.id.asc())
    else:
        query = query.order_by(Report.urgent.desc(), Report.received_on.desc(), Report.id.desc())
    rows = list(session.execute(query.limit(page_size + 1)))
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    total, capped = count(session, filters)
    number = filters.number
    if backwards:
        has_prev, has_next = more, True
    else:
        has_prev, has_next = filters.after is not None, more
    if not rows:
        has_next = False
    return Page(
        rows=rows, total=total, total_capped=capped, number=number,
        next_cursor=cursor_of(rows[-1]) if rows and has_next else None,
        prev_cursor=cursor_of(rows[0]) if rows and has_prev and number > 1 else None,
    )
