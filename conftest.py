"""Every test run, notebooks included, works in scratch folders: it never touches a user's workspaces."""

import os
import tempfile

_scratch = tempfile.mkdtemp(prefix="kit-tests-")
os.environ["KIT_ESPACES"] = os.path.join(_scratch, "espaces")
os.environ.setdefault("XDG_CACHE_HOME", os.path.join(_scratch, "cache"))
