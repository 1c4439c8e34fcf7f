"""Respondent-level landing of survey exports (SurveyMonkey; see docs/landing.md).

A raw export is read, validated against the codebook, mapped from Dutch or French labels to
codebook ids, anonymised and written as canonical parquet files per edition x audience:

- `codebook`: the seeds/codebook CSVs and label_variants.csv as lookup structures;
- `errors`: `LandingError` (a file that cannot land) and `Problem` (a quarantined cell);
- `probe`: the bytes of one export (hash, encoding, delimiter), whatever tool wrote it;
- `records`: where each record of the file starts (line numbers for messages);
- `formats`: one module per survey tool (`formats/surveymonkey.py`) and the registry that
  recognises an export by its header rows; each reads its header rows into a
- `layout`: `Layout`, what every column means (header rows, respondent id column, answers);
- `body`: every respondent row mapped, checked and written as Parquet by DuckDB;
- `anonymise`: salted respondent keys;
- `land`: `land_file`, the one entry point that writes files (atomically, idempotently), and
  holds an export that is worse than what it would replace;
- `folder`: the landing folder as a whole (one export per edition x audience, odd entries);
- `withdraw` and `__main__`: `python -m tendensen.landing accept FILE` / `withdraw SLOT`;
- `generate`: deterministic synthetic exports in the same format (demo + benchmarks).
"""

from tendensen.landing.land import LandingError, LandingReport, land_file

__all__ = ["LandingError", "LandingReport", "land_file"]
