"""No traceback leaves the kernel: errors go to the kernel's log, the page gets a French sentence at most.

The page hides tracebacks, but they still travel to the browser in the websocket's frames (file paths,
code, values): ipywidgets calls ``get_ipython().showtraceback()`` for an exception in a callback
(`CallbackDispatcher`, `Widget._handle_msg`), which sends an iopub ``error`` message, traceback
included, to every page connected to the kernel; and a logged exception with no handler configured
goes to ``sys.stderr``, which ipykernel forwards as an iopub ``stream`` message (it forwards file
descriptor 2 too). `keep_errors_in_kernel()` replaces the shell's `showtraceback` and gives the root
logger a handler writing to the kernel process's real standard error: the terminal or log of the server
that started it (Voilà's log). While a cell runs (the page being prepared), the page shows a French
message instead of the lost output.

Called by every app (`ui.Messages` is the first thing an app builds); idempotent; a no-op outside a kernel.
"""

from __future__ import annotations

import html
import io
import logging
import sys
import types

log = logging.getLogger("kit.kernel")

CELL_ERROR = ("Une erreur est survenue pendant la préparation de cette page. Rechargez la page ; "
              "si l'erreur revient, prévenez l'équipe d'animation.")
_installed: list[bool] = []  # per kernel: each Voilà page has its own


def kernel_stderr():
    """A text stream on the kernel process's own standard error, which ipykernel does not forward.

    ipykernel replaces sys.stderr by a stream that sends to the page and, capturing file descriptor 2,
    forwards what is written there too; it keeps a copy of the original descriptor, the server's log."""
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    if original is not None:
        return io.TextIOWrapper(io.FileIO(original, "w", closefd=False), encoding="utf-8", errors="replace",
                                line_buffering=True)
    return sys.__stderr__


def keep_errors_in_kernel() -> None:
    if _installed:
        return
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel, always there with the kit
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return  # plain Python or a terminal: nothing is sent anywhere
    handler = logging.StreamHandler(kernel_stderr())
    handler.setFormatter(logging.Formatter("[kit kernel] %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)  # also ends logging's "last resort" handler, which writes to sys.stderr
    logging.captureWarnings(True)  # warnings too (they name files), through the "py.warnings" logger
    shell.showtraceback = types.MethodType(_log_traceback, shell)
    _installed.append(True)


def _log_traceback(shell, exc_tuple=None, filename=None, tb_offset=None, exception_only=False,
                   running_compiled_code=False) -> None:
    """`InteractiveShell.showtraceback`, to the kernel's log; in a running cell, a French line on the page."""
    error = exc_tuple or sys.exc_info()
    if error[0] is None:
        return
    log.error("Erreur non rattrapée dans le noyau", exc_info=error if error[1] is not None else None)
    parent = shell.kernel.get_parent() if hasattr(shell.kernel, "get_parent") else {}
    if (parent or {}).get("header", {}).get("msg_type") == "execute_request":
        from IPython.display import HTML, display

        display(HTML(f'<div class="jp-RenderedText kit-cell-error"><pre>{html.escape(CELL_ERROR)}</pre></div>'))
