"""A real process killed with SIGKILL in the middle of a save (temp file written, not yet renamed),
for the store's tests. Not collected as a test module."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

CRASHER = textwrap.dedent("""
    import os, sys, time
    from kit.model import Stake
    from kit.store import Store
    real_fsync = os.fsync
    def stuck_fsync(fd):
        real_fsync(fd)
        print("IN_SAVE", flush=True)
        time.sleep(60)   # killed here: temp file written, not yet renamed
    os.fsync = stuck_fsync
    Store(sys.argv[1]).update(sys.argv[2], lambda ws: ws.stakes.append(Stake(title="jamais enregistré")))
""")


def kill_during_save(folder, workspace_id: str) -> int:
    """Start a save of `workspace_id` in another process, kill it mid-save, return its pid."""
    crasher = subprocess.Popen([sys.executable, "-c", CRASHER, str(folder), workspace_id],
                               stdout=subprocess.PIPE, text=True)
    assert crasher.stdout.readline().strip() == "IN_SAVE"
    os.kill(crasher.pid, signal.SIGKILL)
    crasher.wait(timeout=10)
    crasher.stdout.close()
    return crasher.pid
