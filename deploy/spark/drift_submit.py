"""Run ``drift`` under spark-submit (docs/spark.md).

spark-submit runs a Python file, not a module (there is no ``-m``), so this file is the entry
point: it hands spark-submit's application arguments to the ``drift`` command::

    spark-submit --master yarn --deploy-mode client deploy/spark/drift_submit.py \\
        report s3a://bucket/ref/ s3a://bucket/cur/ --engine spark \\
        --reference-format parquet --current-format parquet --output json=drift.json

driftcli runs on the driver (install it there: ``pip install 'driftcli[spark]'``); the
executors only read and project columns, so they need no Python packages. The session is the
one spark-submit configured (master, memory, ``--packages``). The exit code is drift's: 0
pass, 1 fail, 2 a usage or input error.
"""

from __future__ import annotations

import sys

from driftcli.cli import main

if __name__ == "__main__":
    sys.argv[0] = "drift"
    main()
