"""The tendensen domain: landing, validation, serving, report. Imports no Dagster.

Importing it (every command of the project does) tunes the garbage collector for batch work and sets the
private umask before any file is written.
"""

import sys

from tendensen.faults import private_umask
from tendensen.gc_tuning import tune_for_batch

tune_for_batch()
private_umask()  # respondent data and run logs: owner only (TENDENSEN_UMASK to change)


def _give_main_a_file() -> None:
    """With pyspark installed (the spark extra), importing Great Expectations imports
    pyspark.sql.connect, which calls sys.exit(0) when `__main__` has neither a spec nor a file:
    it takes that for its own doctests. A run launched from the Dagster UI is such a process, so
    its share checks "failed" with SystemExit: 0. Naming the file is all pyspark looks at."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None and not hasattr(main, "__file__"):
        main.__file__ = "<tendensen>"


_give_main_a_file()
