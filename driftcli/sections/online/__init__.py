"""Online metrics: ``config`` (the ``[online]`` table), ``compute`` (latency, errors,
throughput, limits), ``result``, ``html``/``terminal`` (views), ``spec`` (the registry entry)."""
