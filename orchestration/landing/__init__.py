"""Respondent-level landing of SurveyMonkey exports (see docs/landing.md).

A raw export is read, validated against the codebook, mapped from Dutch or French labels to
codebook ids, anonymised and written as canonical parquet files per edition x audience:

- `codebook`: the seeds/codebook CSVs and label_variants.csv as lookup structures;
- `surveymonkey`: the bytes (hash, encoding) and the two header rows of one export;
- `records`: where each record of the file starts (line numbers for messages);
- `body`: every respondent row mapped, checked and written by DuckDB;
- `anonymise`: salted respondent keys and the list of columns that are never kept;
- `land`: `land_file`, the one entry point that writes files (atomically, idempotently), and
  holds an export that is worse than what it would replace;
- `folder`: the landing folder as a whole (one export per edition x audience, odd entries);
- `withdraw` and `__main__`: `python -m orchestration.landing accept FILE` / `withdraw SLOT`;
- `generate`: deterministic synthetic exports in the same format (demo + benchmarks).
"""

from orchestration.landing.land import LandingError, LandingReport, land_file

__all__ = ["LandingError", "LandingReport", "land_file"]
