"""Show results in an ipywidgets `Output` without capturing the running cell's messages.

Why this exists: `with out:` (and `widgets.interactive_output`, which does `with out:` once
when it is created) makes the Output widget capture the outputs of the cell being executed.
A headless client (nbclient: `jupyter nbconvert --execute`, papermill, nbval) mimics the
front end for that: for every captured output it sends the widget's new state back to the
kernel on the shell channel — the same channel it is reading the cell's reply from — and the
reply is then missed until the cell timeout (nbclient issue 312): the notebook stalls, or,
without a timeout, never finishes. In JupyterLab it works only because the browser does the
capturing.

So nothing here captures: the content is rendered in the kernel (every `display(...)` and
`print(...)` the render function makes, in order) and handed to the widget as its `outputs`
value, at execution time and in callbacks alike. The browser shows the same thing; a
headless run only receives a widget state update and never writes back.

- `rendered(render, **kwargs)`: what `render(**kwargs)` displays, as output dicts;
- `show(out, render, **kwargs)`: put that into `out` (replacing what it showed);
- `live(render, controls)`: an Output kept up to date with `render(**values)` as the controls
  change — the replacement for `widgets.interactive_output`.
"""
from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from typing import Any

import ipywidgets as widgets
from IPython.core.displaypub import DisplayPublisher
from IPython.core.getipython import get_ipython
from IPython.display import display

from digireform.model.errors import DigireformError


class _Collecting(DisplayPublisher):
    """A display publisher that appends every display (and clear) to one list."""

    def __init__(self, outputs: list[dict[str, Any]]):
        super().__init__()
        self.collected = outputs

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False) -> None:
        self.collected.append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    def clear_output(self, wait: bool = False) -> None:
        self.collected.clear()


class _Stream:
    """sys.stdout/sys.stderr while rendering: text goes into the same list, in order."""

    def __init__(self, outputs: list[dict[str, Any]], name: str):
        self.collected, self.name = outputs, name

    def write(self, text: str) -> int:
        if text:
            last = self.collected[-1] if self.collected else None
            if last and last["output_type"] == "stream" and last["name"] == self.name:
                last["text"] += text
            else:
                self.collected.append({"output_type": "stream", "name": self.name, "text": text})
        return len(text)

    def flush(self) -> None:
        """Nothing buffered: every write is already in the list."""


@contextmanager
def _collecting(outputs: list[dict[str, Any]]) -> Iterator[None]:
    """Route display() and print() into `outputs` for the duration, then restore them."""
    shell = get_ipython()
    saved_pub = shell.display_pub if shell is not None else None
    saved_out, saved_err = sys.stdout, sys.stderr
    if shell is not None:
        shell.display_pub = _Collecting(outputs)
    sys.stdout, sys.stderr = _Stream(outputs, "stdout"), _Stream(outputs, "stderr")
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved_out, saved_err
        if shell is not None:
            shell.display_pub = saved_pub


def _message(exc: DigireformError) -> dict[str, Any]:
    """A refused input shown as its Norwegian message, never as a traceback."""
    text = str(exc)
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/plain": text, "text/html": f"<pre>{escape(text)}</pre>"}}


def rendered(render: Callable[..., object], **kwargs: Any) -> tuple[dict[str, Any], ...]:
    """Everything `render(**kwargs)` displays or prints, in order (a returned value is displayed last).

    A `DigireformError` (bad data, a refused operation) becomes its message; any other
    exception propagates, so a broken notebook fails loudly under nbval.
    """
    outputs: list[dict[str, Any]] = []
    with _collecting(outputs):
        try:
            result = render(**kwargs)
            if result is not None:
                display(result)
        except DigireformError as exc:
            outputs.append(_message(exc))
    return tuple(outputs)


def show(out: widgets.Output, render: Callable[..., object], **kwargs: Any) -> None:
    """Replace what `out` shows with what `render(**kwargs)` displays (one state update)."""
    out.outputs = rendered(render, **kwargs)


def _show_or_traceback(out: widgets.Output, render: Callable[..., object], **kwargs: Any) -> None:
    """In a callback nobody would see a raised exception: show it in the widget instead."""
    try:
        show(out, render, **kwargs)
    except Exception as exc:  # noqa: BLE001 — shown to the user, as interactive_output did
        out.outputs = ({"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc),
                        "traceback": traceback.format_exception(exc)},)


def live(render: Callable[..., object], controls: dict[str, widgets.ValueWidget]) -> widgets.Output:
    """An Output showing `render(name=control.value, …)`, redrawn whenever a control changes.

    Shown at once (rendered while the cell runs, without capturing it), then on every change.
    """
    out = widgets.Output()

    def values() -> dict[str, Any]:
        return {name: control.value for name, control in controls.items()}

    def redraw(_change: object = None) -> None:
        _show_or_traceback(out, render, **values())

    for control in controls.values():
        control.observe(redraw, "value")
    show(out, render, **values())
    return out
