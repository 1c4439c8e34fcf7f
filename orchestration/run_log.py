"""What `make run` shows while it builds: one line per stage, the full log in a file.

Dagster's console logger prints every event at DEBUG (~370 lines for one build: each dbt
model, test and check). `make run` selects this logger instead (the jobs' `make_run`
logger, orchestration/definitions.py): the terminal gets a line when a stage starts, ends
or fails (with its duration) and the messages the stages write themselves (the landing's
per-export lines, warnings, errors); the file it names gets everything, as the console
logger would have printed it. Runs started from the UI keep Dagster's default logging.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import time
from pathlib import Path
from typing import TextIO

import dagster as dg

from tendensen.settings import data_dir

# The steps of the jobs, as a person names them.
STAGES = {
    "landing__responses": "landing",
    "tendensen_dbt_assets": "dbt build",
    "share_checks": "Great Expectations checks",
    "serving__tendensen": "publish",
}
DBT_STEP = "tendensen_dbt_assets"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
STEP_EVENTS = {"STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED", "STEP_UP_FOR_RETRY"}


def _meta(record: logging.LogRecord) -> dict:
    return getattr(record, "dagster_meta", None) or {}


class StageLines(logging.Formatter):
    """`  [dbt build] started` / `  [dbt build] done in 8.1 s`, and the stages' own messages."""

    def __init__(self):
        super().__init__()
        self._started: dict[str, float] = {}

    def format(self, record: logging.LogRecord) -> str:
        meta = _meta(record)
        step = meta.get("step_key") or ""
        stage = STAGES.get(step, step or "run")
        event = meta.get("dagster_event")
        kind = event.event_type_value if event is not None else None
        if kind == "STEP_START":
            self._started[step] = time.monotonic()
            return f"  [{stage}] started"
        if kind in STEP_EVENTS:
            took = time.monotonic() - self._started.get(step, time.monotonic())
            word = {
                "STEP_SUCCESS": "done",
                "STEP_FAILURE": "FAILED",
                "STEP_SKIPPED": "skipped",
                "STEP_UP_FOR_RETRY": "will be retried",
            }[kind]
            return f"  [{stage}] {word}" + (f" in {took:.1f} s" if kind != "STEP_SKIPPED" else "")
        message = meta.get("orig_message") or record.getMessage()
        return f"  [{stage}] {message}".replace("\n", "\n  ")


def shown_in_terminal(record: logging.LogRecord) -> bool:
    """Stage starts and ends, and what the stages log themselves at INFO or above (the dbt
    step's INFO lines are dagster-dbt's own: its progress is DbtProgress's)."""
    meta = _meta(record)
    event = meta.get("dagster_event")
    if event is not None:
        return event.event_type_value in STEP_EVENTS or record.levelno >= logging.ERROR
    if meta.get("step_key") == DBT_STEP:
        return record.levelno >= logging.WARNING
    return record.levelno >= logging.INFO


class DbtProgress(io.TextIOBase):
    """Stands in for stdout while the job runs: dagster-dbt writes dbt's own log there (a line
    per seed, model and test), which goes to the log file; the terminal gets a progress line
    (`[dbt build] 84/168 nodes (50%), 12.3 s`) at every quarter and at most every 10 s apart,
    and every line about an error or failure."""

    NODE_LINE = re.compile(r"^(\d+) of (\d+) (\S+)")
    EVERY_SECONDS = 10.0

    def __init__(self, log: TextIO, terminal: TextIO):
        self._log, self._terminal = log, terminal
        self._partial = ""
        self._started = None  # the first line of dbt
        self._shown_at = 0.0
        self._shown_quarter = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._log.write(text)
        self._log.flush()
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            self._show(line)
        return len(text)

    def _show(self, line: str) -> None:
        plain = ANSI.sub("", line)
        if self._started is None:
            self._started = self._shown_at = time.monotonic()
        if re.search(r"\b(ERROR|FAIL|Failure|Error)\b(?!=)", plain):
            print(f"  [dbt build] {plain.strip()}", file=self._terminal, flush=True)
        match = self.NODE_LINE.match(plain)
        if not match or match.group(3) == "START":
            return
        done, total = int(match.group(1)), int(match.group(2))
        quarter = 4 * done // total
        now = time.monotonic()
        if quarter > self._shown_quarter or now - self._shown_at >= self.EVERY_SECONDS:
            self._shown_quarter, self._shown_at = quarter, now
            print(
                f"  [dbt build] {done}/{total} nodes ({100 * done // total}%), {now - self._started:.1f} s",
                file=self._terminal,
                flush=True,
            )


@dg.logger(
    config_schema={
        "log_file": dg.Field(
            str, is_required=False, description="Where the full DEBUG log goes (default: log_path())."
        )
    },
    description="`make run`: stage lines in the terminal, the full log in a file.",
)
def make_run_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("tendensen.make_run", level=logging.DEBUG)
    terminal = logging.StreamHandler(sys.__stdout__)  # stdout itself is DbtProgress meanwhile
    terminal.setFormatter(StageLines())
    terminal.addFilter(shown_in_terminal)
    logger.addHandler(terminal)
    path = Path(init_context.logger_config.get("log_file") or log_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    full = logging.FileHandler(path, encoding="utf-8")
    full.setFormatter(logging.Formatter("%(asctime)s - %(levelname)s - %(message)s"))
    logger.addHandler(full)
    return logger


def log_path() -> Path:
    """The full log of the last `make run`, beside the warehouse."""
    return data_dir() / "logs" / "make_run.log"


def run_config(log_file: Path) -> dict:
    """The run config that selects this logger (and no console logger) for one run."""
    return {"loggers": {"make_run": {"config": {"log_file": str(log_file)}}}}
