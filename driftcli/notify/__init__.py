"""Notifications: deliver a finished report's results to Prometheus' Pushgateway,
Alertmanager, a webhook (JSON, compact or Slack) and Datadog, as set in ``[notify]``, and
start a retraining DAG run in Airflow (``[trigger.airflow]``).

:func:`deliver` never raises for a failed delivery: it returns the report with one
:class:`~driftcli.results.report.Delivery` per destination tried (secrets masked), which the
JSON summary lists under ``deliveries`` and the CLI prints on stderr. The run's verdict and
exit code do not change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from driftcli.config import DriftConfig
from driftcli.errors import DriftError
from driftcli.notify.airflow import TriggerConfig
from driftcli.notify.config import NotifyConfig
from driftcli.results.report import Delivery, Report

__all__ = ["NotifyConfig", "TriggerConfig", "deliver", "mask_url"]


def __getattr__(name: str) -> Any:
    # The HTTP client (urllib.request, http.client, ssl) loads when a delivery needs it: a run
    # without [notify] or [trigger] never does.
    if name == "mask_url":
        from driftcli.notify.http import mask_url

        return mask_url
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def deliver(
    report: Report,
    config: DriftConfig,
    report_location: str | None = None,
    outputs: Mapping[str, str] | None = None,
) -> Report:
    """``report`` with its ``deliveries``: every configured destination tried once (with its
    retries). ``report_location`` is shown in alerts and messages (the HTML or JSON path);
    ``outputs`` (format -> path) go into the Airflow DAG run's ``conf``."""
    settings = config.section(NotifyConfig)
    trigger = config.section(TriggerConfig)
    if not settings.any and trigger.airflow.url is None:
        return report
    from driftcli.notify.http import DeliveryError, mask_url, scrub
    from driftcli.notify.notifiers import context, notifiers, secrets_of

    ctx = context(report, settings, report_location, outputs, trigger)
    secrets = secrets_of(ctx)
    done: list[Delivery] = []
    for notifier in notifiers():
        url = notifier.target(ctx)
        if url is None:
            continue
        shown = mask_url(url)
        try:
            attempts = notifier.send(report, ctx, url)
        except DeliveryError as exc:
            done.append(
                Delivery(notifier.name, shown, False, exc.attempts, scrub(str(exc), secrets))
            )
        except DriftError:
            raise  # a config problem (too many series): exit 2 as for the outputs
        except Exception as exc:  # noqa: BLE001 - a delivery must never lose the report
            error = scrub(f"{type(exc).__name__}: {exc}", secrets)
            done.append(Delivery(notifier.name, shown, False, 1, error))
        else:
            if attempts:  # 0: nothing to send (an Airflow trigger whose outcome did not occur)
                done.append(Delivery(notifier.name, shown, True, attempts))
    return dataclasses.replace(report, deliveries=tuple(done))
