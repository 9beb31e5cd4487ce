"""Model performance: ``config`` (the ``[model]`` table), ``metrics`` (the metrics and the
bootstrap, tested against scikit-learn), ``compute`` (scopes and rules in a run), ``result``,
``html``/``terminal`` (views), ``spec`` (the registry entry)."""
