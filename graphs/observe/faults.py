"""Fault injection for tests: kill this process with SIGKILL at a named point of a turn. Off unless the environment
variable `T7_KILL_AT` names a point, as `POINT[@STEP][:N]`: at its N-th passage in this process (default 1),
counting only the passages right after step STEP when it is given (e.g. `in_fused_chain@crear_pedido`).

The points are where a crash hurts most, in the order a turn passes them:

- `after_effect`     a side-effecting tool (an order or a return written) has committed; no checkpoint yet
- `in_fused_chain`   a fused node has run a step and is about to run the next one (fused graphs only)
- `after_repair`     a correction is written into the checkpoint (the run jumps to the step that checks it); the
                     turn that runs that step has not run
- `in_undo`          an undo has put earlier checkpoints back (a sub-pipeline's, or a copy of the run's); its turn
                     has not run
- `after_checkpoint` the run paused or ended and its checkpoint is written; the run table not yet
- `after_run_update` the run table is written; the reply is not yet stored with the message
- `after_reply`      the reply is stored with the message; the HTTP response is not yet sent
"""

from __future__ import annotations

import os
import signal
import threading

ENV = "T7_KILL_AT"
POINTS = (
    "after_effect",
    "in_fused_chain",
    "after_repair",
    "in_undo",
    "after_checkpoint",
    "after_run_update",
    "after_reply",
)

_lock = threading.Lock()
_passed: dict[str, int] = {}


def armed() -> tuple[str, str | None, int] | None:
    """The point, step and passage `T7_KILL_AT` names, or None; a name that is no point is refused loudly."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    where, _, count = value.partition(":")
    point, _, step = where.partition("@")
    if point not in POINTS or (count and not count.isdigit()):
        raise ValueError(f"{ENV}={value!r}: use one of {', '.join(POINTS)}, optionally followed by '@STEP' and ':N'")
    return point, step or None, int(count or 1)


_ARMED = armed()


def reached(point: str, *, after: str | None = None) -> None:
    """Called by the code at `point` (right after step `after`, where there is one): dies there when that passage
    is the armed one, else returns at once."""
    if _ARMED is None or _ARMED[0] != point or _ARMED[1] not in (None, after):
        return
    with _lock:
        _passed[point] = _passed.get(point, 0) + 1
        if _passed[point] == _ARMED[2]:
            os.kill(os.getpid(), signal.SIGKILL)
