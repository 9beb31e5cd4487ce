"""Concept drift: ``config`` (the ``[concept]`` table), ``detectors`` (ADWIN, DDM, EDDM,
Page-Hinkley, checked against river), ``compute`` (the error stream in a run), ``result``,
``html``/``terminal`` (views), ``spec`` (the registry entry)."""
