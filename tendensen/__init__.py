"""The tendensen domain: landing, validation, serving, report. Imports no Dagster.

Importing it (every command of the project does) tunes the garbage collector for batch work and sets the
private umask before any file is written.
"""

from tendensen.faults import private_umask
from tendensen.gc_tuning import tune_for_batch

tune_for_batch()
private_umask()  # respondent data and run logs: owner only (TENDENSEN_UMASK to change)
