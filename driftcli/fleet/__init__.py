"""Fleets: many models from one command, policy by tier, a scorecard and an audit trail.

For Python callers, what ``drift fleet run fleet.toml`` does::

    from driftcli.fleet import load_fleet, run_fleet, write_fleet_outputs

    fleet = load_fleet("fleet.toml")
    result = run_fleet(fleet)                # every model, [fleet] parallel at once
    write_fleet_outputs(result, fleet.output_dir)
    print(result.exit_code)                  # the worst model after tier policy

:func:`fleet_status` builds the same scorecard from the run history alone, and
:func:`validate_fleet` checks every model's config and paths without computing.

The package loads lazily (``drift fleet --help`` imports ``driftcli.fleet.cli``, hence this
package): the names below load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcli._lazy import lazy_names

if TYPE_CHECKING:
    from driftcli.fleet.config import BrokenModel, Fleet, ModelSpec, TierPolicy, load_fleet
    from driftcli.fleet.outputs import fleet_schema, write_fleet_outputs
    from driftcli.fleet.result import FleetResult, ModelRow
    from driftcli.fleet.run import run_fleet
    from driftcli.fleet.status import fleet_status
    from driftcli.fleet.validate import Problem, validate_fleet

#: The re-exported names and their modules, imported on first use (PEP 562).
_LAZY = {
    "BrokenModel": "driftcli.fleet.config",
    "Fleet": "driftcli.fleet.config",
    "ModelSpec": "driftcli.fleet.config",
    "TierPolicy": "driftcli.fleet.config",
    "load_fleet": "driftcli.fleet.config",
    "fleet_schema": "driftcli.fleet.outputs",
    "write_fleet_outputs": "driftcli.fleet.outputs",
    "FleetResult": "driftcli.fleet.result",
    "ModelRow": "driftcli.fleet.result",
    "run_fleet": "driftcli.fleet.run",
    "fleet_status": "driftcli.fleet.status",
    "Problem": "driftcli.fleet.validate",
    "validate_fleet": "driftcli.fleet.validate",
}

__all__ = [
    "BrokenModel",
    "Fleet",
    "FleetResult",
    "ModelRow",
    "ModelSpec",
    "Problem",
    "TierPolicy",
    "fleet_schema",
    "fleet_status",
    "load_fleet",
    "run_fleet",
    "validate_fleet",
    "write_fleet_outputs",
]


__getattr__, __dir__ = lazy_names(_LAZY, __all__, globals())
