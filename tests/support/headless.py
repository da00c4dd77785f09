"""Run a notebook headless with nbclient (what `jupyter nbconvert --execute`, papermill and nbval use)
and record what a stall would be made of.

For tests/integration/test_notebooks_headless.py and benchmarks/notebooks_headless.py.

A widget cell stalls a headless run when an ipywidgets Output captures the running cell
(`with out:`, `interactive_output`): nbclient's stand-in for the browser's Output widget then
writes each captured output back to the kernel on the shell channel while it waits on that
channel for the cell's reply, and misses the reply until the cell timeout (see
lib/digireform/notebook/output.py). `run(path)` records, per code cell:

- `captured`: an Output widget asked to capture the cell (the cause, seen the moment it happens);
- `timed_out`: the run went through nbclient's timeout path for the cell (the symptom);
- `seconds`: the client's wall time for the cell; `compute`: the kernel's own time for it (from
  the kernel's message timestamps: busy → execute_reply), so `seconds / compute` is the ratio
  between waiting and computing, without a threshold in seconds.

`block_captures=True` (the tests) records a capture but does not let the stand-in act on it, so
a regression fails at once instead of after the timeout; False (the benchmark) runs nbclient as is.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient


@dataclass
class CellRun:
    index: int
    first_line: str
    seconds: float
    compute: float | None
    captured: bool = False
    timed_out: bool = False


@dataclass
class NotebookRun:
    path: Path
    seconds: float = 0.0
    cells: list[CellRun] = field(default_factory=list)
    error: str | None = None
    nb: object = None  # the executed notebook (nbformat node), outputs included

    @property
    def captured(self) -> list[CellRun]:
        return [c for c in self.cells if c.captured]

    @property
    def timed_out(self) -> list[CellRun]:
        return [c for c in self.cells if c.timed_out]

    @property
    def cell_seconds(self) -> float:
        return sum(c.seconds for c in self.cells)

    @property
    def compute(self) -> float:
        return sum(c.compute or 0.0 for c in self.cells)

    @property
    def ratio(self) -> float:
        """Client time for the code cells over the kernel's compute time for them (1 = no waiting)."""
        return self.cell_seconds / self.compute if self.compute else float("nan")


def _kernel_seconds(cell) -> float | None:
    """busy → execute_reply, both stamped by the kernel: how long the cell computed."""
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.status.busy"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    from dateutil.parser import isoparse

    return (isoparse(end) - isoparse(start)).total_seconds()


class _Recording(NotebookClient):
    """nbclient as is, plus a record of captures, timeouts and per-cell times."""

    def __init__(self, nb, run: NotebookRun, block_captures: bool, **kw):
        super().__init__(nb, **kw)
        self.run_record, self.block_captures = run, block_captures
        self._current: CellRun | None = None

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        self._current = CellRun(cell_index, cell.source.strip().splitlines()[0][:60], 0.0, None)
        self.run_record.cells.append(self._current)
        start = time.monotonic()
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            self._current.seconds = time.monotonic() - start
            self._current.compute = _kernel_seconds(cell)

    def register_output_hook(self, msg_id, hook) -> None:
        if self._current is not None:
            self._current.captured = True
        if not self.block_captures:
            super().register_output_hook(msg_id, hook)

    def remove_output_hook(self, msg_id, hook) -> None:
        if not self.block_captures:
            super().remove_output_hook(msg_id, hook)

    async def _async_handle_timeout(self, timeout, cell=None):
        if self._current is not None:
            self._current.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)


def run(path: Path, cwd: Path | None = None, timeout: int = 300, block_captures: bool = True) -> NotebookRun:
    """Execute the notebook at `path` (in `cwd`, default its folder) and return the record.

    `timeout`: nbclient's per-cell timeout in seconds. An exception from nbclient (a cell error,
    a timeout) ends the run and is kept in `error`, with the cells recorded so far.
    """
    nb = nbformat.read(path, as_version=4)
    record = NotebookRun(Path(path), nb=nb)
    client = _Recording(nb, record, block_captures, timeout=timeout, kernel_name="python3",
                        resources={"metadata": {"path": str(cwd or Path(path).parent)}})
    start = time.monotonic()
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 — reported by the caller, with the cell it happened in
        record.error = f"{type(exc).__name__}: {str(exc)[-2000:]}"
    record.seconds = time.monotonic() - start
    return record
