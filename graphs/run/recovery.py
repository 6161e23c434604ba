"""What a turn that died leaves behind, read back: the run table row made to agree with the checkpoint.

A turn writes, in this order, its side effects (keyed, so a turn run again meets them), its checkpoint (when the
run pauses or ends) and the run table row (status, messages, steps; the lease given back). A process killed
between the checkpoint and the row leaves a row that is behind: it still says `waiting` at the old question, or
`running`, while the checkpoint is further on. The row counts the steps the checkpoint had when it was written,
so a checkpoint that has more was written by a turn that died: the row is rewritten from it before anything else
reads the run.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from errors import ConflictError
from graphs.compile.step_context import PATH

if TYPE_CHECKING:
    from graphs.run.runner import Runner

logger = logging.getLogger(__name__)


def reconcile(runner: Runner, row: dict[str, Any], token: str) -> bool:
    """Rewrite the run's row from its checkpoint if the checkpoint is further on (giving the lease `token` back);
    True when it was rewritten, False when the row was right (the lease is still held)."""
    run_id = row["run_id"]
    snapshot = runner.graph.get_state(runner.run_config(run_id, row["owner"]))
    values = snapshot.values or {}
    steps = len(values.get(PATH) or [])
    if steps == int(row.get("steps") or 0):
        return False
    # paused (or half-way through a repair: the next message finishes it), or ended as its last step said
    status = "waiting" if snapshot.next else str(values.get("__status__") or "completed")
    messages = len(values.get("__messages__") or [])
    runner.engine.paused.forget(run_id)
    # The dead turn's outcome is told again (its reading died with it: it was never written).
    if snapshot.interrupts:
        ask = snapshot.interrupts[0].value or {}
        told = [runner.event(run_id, row["owner"], "asked", step=ask.get("step"), text=ask.get("question"))]
    else:
        told = [] if status == "waiting" else [runner.event(run_id, row["owner"], status)]
    for event in told:
        event.detail["recovered"] = True
    runner.engine.runs.set_status(run_id, status, messages=messages, steps=steps, release=token, events=told)
    logger.warning("run %s: its last turn died after its checkpoint; the run table now says %s", run_id, status)
    return True


def settled_row(runner: Runner, run_id: str) -> dict[str, Any]:
    """The run's row once any turn that died on it is accounted for; ConflictError (busy) while a live turn holds
    it. A row whose lease was given back is right as it is."""
    row = runner.engine.runs.get(run_id)
    if row is None:
        raise ConflictError.busy(run_id)
    if row.get("lease") is None:
        return row
    token = runner.engine.runs.acquire(run_id)
    if token is None:
        raise ConflictError.busy(run_id)
    if not reconcile(runner, row, token):
        runner.engine.runs.release(run_id, token)
    return runner.engine.runs.get(run_id) or row


def settled_row_waiting(runner: Runner, run_id: str, seconds: float) -> dict[str, Any]:
    """`settled_row`, waiting up to `seconds` for the lease of a turn that died to run out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return settled_row(runner, run_id)
        except ConflictError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)
