"""What every chart of the kit shares, so that all of them read alike on a projector, and show what people
typed as they typed it."""

import html

FONT = dict(size=16, family="system-ui, Segoe UI, Roboto, Arial, sans-serif", color="#111")


def plain(text: object) -> str:
    """`text` as plotly must be given it to show it as typed, in any label, hover, legend, title, tick or
    annotation: plotly reads a subset of HTML there (``<b>``, ``<a href>``, ``<br>``…) and decodes entities,
    so ``&``, ``<`` and ``>`` become entities, and ``%`` too, so that a ``%{…}`` typed by someone is never
    read as a template field even if the text ends up in a template. The one rule of every chart: user text
    goes through `plain` (after `kit.text.shorten` or wrapping, never before: an entity is not to be cut),
    the kit's own markup (``<br>``, ``<b>`` around a title) is added around it. Only entities plotly decodes
    are used (it knows ``&amp;``, ``&lt;``, ``&gt;`` and numeric ones, not ``&quot;``)."""
    return html.escape(str(text), quote=False).replace("%", "&#37;")
