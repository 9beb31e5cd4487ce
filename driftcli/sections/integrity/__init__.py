"""Data integrity: ``config`` (the ``[integrity]`` table), ``checks`` (the checks), ``result``,
``compute`` (in a run), ``html``/``terminal`` (views), ``spec`` (the registry entry)."""
