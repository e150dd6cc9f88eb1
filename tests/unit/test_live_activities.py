"""Every activity the command line and the apps offer has its module, on the one pattern the server uses."""

from kit.live import activities
from kit.live.names import ACTIVITIES


def test_every_activity_has_its_module_with_page_state_and_send():
    assert set(activities.MODULES) == set(ACTIVITIES), f"missing: {set(ACTIVITIES) - set(activities.MODULES)}"
    for name, module in activities.MODULES.items():
        assert module.NAME == name and module.LABEL == ACTIVITIES[name]
        assert all(callable(getattr(module, f)) for f in ("page", "state", "send")), name
        assert activities.SCRIPTS[name].startswith("(function () {") and module.SCRIPT.strip() in activities.SCRIPTS[name]
