"""Ctrl-C and SIGTERM stay the caller's around nbclient run in the main thread.

nbclient puts handlers of its own on the thread's event loop while it runs a kernel. It takes them
off as it finishes, but then leaves Python's defaults, not what the caller had set (the grader's
"stop after this row" flag, say), and when a kernel fails to start it leaves its own in place: every
later Ctrl-C in the process did nothing.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def kept_stop_signals() -> Iterator[None]:
    """Run the body (which may run nbclient); then the stop signals' handlers are as they were."""
    if threading.current_thread() is not threading.main_thread():
        yield  # nbclient sets no handler outside the main thread
        return
    from jupyter_core.utils import ensure_event_loop

    handlers = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        loop = ensure_event_loop()  # the thread's loop, which nbclient used
        for signum, handler in handlers.items():
            with contextlib.suppress(RuntimeError, ValueError):
                loop.remove_signal_handler(signum)
            if handler is not None:  # None: set outside Python, which cannot be put back
                signal.signal(signum, handler)
