"""Outputs: the renderer registry, the built-in renderers and writing outputs atomically.

The registry lines: each module imported here registers its renderers.
"""

from driftcli.outputs import builtin as _builtin  # noqa: F401  (json, html, terminal)
from driftcli.outputs import junit as _junit  # noqa: F401  (junit, junit-strict)
from driftcli.outputs import markdown as _markdown  # noqa: F401  (markdown)
from driftcli.outputs import prometheus as _prometheus  # noqa: F401  (prometheus)
