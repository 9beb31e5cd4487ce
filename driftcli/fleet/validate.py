"""``drift fleet validate``: every model's config and paths checked, nothing computed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from driftcli.errors import DriftError
from driftcli.fleet.config import Fleet


@dataclass(frozen=True)
class Problem:
    """One model's problem (``model`` is empty for the fleet file's own)."""

    model: str
    message: str


def validate_fleet(fleet: Fleet, run_date: date) -> list[Problem]:
    """The problems a fleet run for ``run_date`` would meet before computing: broken model
    declarations, paths that name no data, columns the config names that the data lacks, and
    an output folder that cannot be written. Reads only the data's schemas."""
    from driftcli.config import config_from_mapping
    from driftcli.run import check_run

    problems = [Problem(b.name, b.error) for b in fleet.broken]
    folder = fleet.output_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        problems.append(
            Problem("", f"output_dir {fleet.output_dir}: {folder} is not a writable folder")
        )
    for spec in fleet.models:
        try:
            reference, current = spec.paths(run_date, fleet.base)
            cfg = config_from_mapping(spec.settings, f"{spec.source} (model {spec.name})")
            check_run(reference, current, cfg)
        except DriftError as exc:
            problems.append(Problem(spec.name, str(exc)))
    return problems
