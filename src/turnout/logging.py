"""Log set-up: plain lines on stderr; keys never appear (see api.access_log).

Records go through a queue to a listener thread, so writing a log line (one per
request, from the access log) never blocks the event loop on the terminal or pipe.
"""

from __future__ import annotations

import atexit
import logging
import logging.handlers
import queue

_listener: logging.handlers.QueueListener | None = None


def configure_logging(level: str = "info") -> None:
    global _listener
    if _listener is not None:
        _listener.stop()
    stream = logging.StreamHandler()
    stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(records)]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    _listener = logging.handlers.QueueListener(records, stream, respect_handler_level=True)
    _listener.start()
    atexit.register(_listener.stop)
