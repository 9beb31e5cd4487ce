"""Register the built-ins: input formats, ``[notify]`` and ``[trigger]``, output formats and
report sections. Each package below registers its own on import (see docs/architecture.md,
"Where does a new ... go?"); :func:`load` imports them all.

The first use of a name of ``driftcli`` calls it (through ``driftcli/_api.py``), and so does
every command body of ``drift``: the commands' start-up (``drift --help``) imports none of it.
"""

from __future__ import annotations


def load() -> None:
    """Import the registering packages, in the order ``import driftcli`` always used (a no-op
    once done: Python imports a module once)."""
    # inputs: the input formats; notify: [notify] and [trigger]; outputs: the output formats;
    # sections: the report sections.
    from driftcli import inputs, notify, outputs, sections  # noqa: F401
