"""The one exception type every layer raises for a person to read.

A `KitError` carries a French sentence meant for the user (CLI, Voilà app, notebook cell). Anything
else that escapes is a bug: the CLI and the apps turn it into a generic French message and never
show a traceback. This module imports nothing, so the model may use it too.
"""


class KitError(Exception):
    """An error whose message is a French sentence for the person using the kit."""

    def __init__(self, message: str, *, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  – {d}" for d in self.details)


def megabytes(size: int) -> str:
    """A size as French readers write it: "50,0 Mo"."""
    return f"{size / 1_048_576:.1f}".replace(".", ",") + " Mo"
