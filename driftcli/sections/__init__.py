"""Report sections: each subpackage is one section, registered here (one line each).

The order is the registry order: sections are computed in it (a section may use the results
of those before it) and their findings feed the verdict in it. Each section's ``placement``
decides whether outputs show it before (``early``) or after (``late``) the column drift.
See driftcli/sections/registry.py and docs/architecture.md.
"""

from driftcli.sections.concept_drift.spec import SECTION as _CONCEPT_DRIFT
from driftcli.sections.history.spec import SECTION as _HISTORY
from driftcli.sections.integrity.spec import SECTION as _INTEGRITY
from driftcli.sections.online.spec import SECTION as _ONLINE
from driftcli.sections.performance.spec import SECTION as _PERFORMANCE
from driftcli.sections.prediction_drift.spec import SECTION as _PREDICTION_DRIFT
from driftcli.sections.registry import register_section
from driftcli.sections.windows.spec import SECTION as _WINDOWS

register_section(_PREDICTION_DRIFT)
register_section(_PERFORMANCE)
register_section(_WINDOWS)
register_section(_CONCEPT_DRIFT)
register_section(_ONLINE)
register_section(_INTEGRITY)
register_section(_HISTORY)
