"""Drift over time: ``config`` (the ``[windows]`` rule), ``compute`` (per-window analysis and
the rule), ``result``, ``html``/``terminal`` (views), ``spec`` (the registry entry)."""
