"""Compute engines: how a run's columns are read and prepared for the tests.

``base`` is the seam (:class:`~driftcli.engines.base.Engine`), ``memory`` the in-memory Polars
engine, ``registry`` the names ``run_report(..., engine=...)`` accepts.
"""
