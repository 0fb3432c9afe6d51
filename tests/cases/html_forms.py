"""Submit a page's forms as a browser without JavaScript would: what the HTML says.

A small parser of the forms of a page (action, method, fields with their rendered
values); tests tick boxes, choose options and press buttons, and the request sent is
exactly what the form holds, CSRF token included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict


@dataclass
class Control:
    """One form control as rendered."""

    tag: str
    type: str
    name: str
    value: str
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    """A form: where it goes, how, and its controls."""

    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def values(self, name: str) -> list[str]:
        """Every value a control of this name offers (checkboxes, options)."""
        found = []
        for control in self.controls:
            if control.name != name:
                continue
            found += [v for v, _ in control.options] if control.tag == "select" else [
                control.value]
        return found

    def data(self, fill: dict[str, str] | None = None, tick: list[tuple[str, str]] = (),
             press: tuple[str, str] | None = None) -> MultiDict[str, str]:
        """What the browser sends: defaults, with `fill`ed values, ticked boxes and the
        pressed button (if it has a name)."""
        fill = dict(fill or {})
        sent: MultiDict[str, str] = MultiDict()
        for control in self.controls:
            if not control.name:
                continue
            if control.tag == "button":
                continue
            if control.type in ("checkbox", "radio"):
                if control.checked or (control.name, control.value) in tick:
                    sent.add(control.name, control.value)
                continue
            if control.tag == "select":
                chosen = fill.pop(control.name, None)
                if chosen is None:
                    selected = [v for v, s in control.options if s] or [
                        v for v, _ in control.options[:1]]
                    chosen = selected[0] if selected else ""
                elif chosen not in [v for v, _ in control.options]:
                    raise AssertionError(f"{control.name} offers no option {chosen!r}")
                sent.add(control.name, chosen)
                continue
            sent.add(control.name, fill.pop(control.name, control.value))
        if fill:
            raise AssertionError(f"the form has no field {sorted(fill)}")
        if press is not None:
            sent.add(*press)
        return sent

    def submit(self, client: FlaskClient, fill: dict[str, str] | None = None,
               tick: list[tuple[str, str]] = (), press: tuple[str, str] | None = None) -> Any:
        """Send the form with the test client (GET forms as a query string)."""
        data = self.data(fill, tick, press)
        if self.method == "get":
            return client.get(self.action, query_string=data)
        return client.post(self.action, data=data)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Control | None = None
        self._select: Control | None = None
        self._option: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._form.controls.append(Control("input", a.get("type", "text").lower(),
                                               a.get("name", ""), a.get("value", ""),
                                               "checked" in a))
        elif tag == "button":
            self._form.controls.append(Control("button", a.get("type", "submit"),
                                               a.get("name", ""), a.get("value", "")))
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", a.get("name", ""), "")
            self._form.controls.append(self._textarea)
        elif tag == "select":
            self._select = Control("select", "select", a.get("name", ""), "")
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops one newline right after <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option[0] if self._option[0] is not None else self._option[2]
            self._select.options.append((value, self._option[1]))
            self._option = None
        elif tag == "select":
            self._select = None


def forms(html: str) -> list[Form]:
    """Every form of a page."""
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_to(html: str, action: str, method: str | None = None) -> Form:
    """The one form whose action is `action` (and method, if given)."""
    found = [f for f in forms(html) if f.action.split("?")[0] == action
             and (method is None or f.method == method)]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} forms to {action} on the page")
    return found[0]
