"""Great Expectations share rules as blocking Dagster asset checks on marts.answer_shares.

After every validation, passed or failed, the status is written beside the serving copy
(tendensen/validation/status.py): a blocked publish leaves the marts as they were, and
the status file says why.
"""

from datetime import datetime, timezone

import dagster as dg
from dagster import AssetCheckExecutionContext

from orchestration.defs.asset_keys import ANSWER_SHARES
from tendensen.settings import data_dir, engine, serving_path, warehouse_path
from tendensen.validation.rules import RULES

MAX_LISTED_FAILURES = 20


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(name=rule.name, asset=ANSWER_SHARES, blocking=True, description=rule.description)
        for rule in RULES
    ],
    can_subset=True,  # e.g. the benchmarks leave out the reconciliation of random answers
    description="Validate the shares with Great Expectations and record every group in audit.share_checks.",
)
def share_checks(context: AssetCheckExecutionContext):
    # Imported here: pandas and GX make the Definitions slow to load otherwise.
    from tendensen.validation.share_checks import (
        acknowledgement_hint,
        describe_group,
        run_share_checks,
        unacknowledged_failures,
    )
    from tendensen.validation.status import STATUS_JSON, record_validation

    selected = {key.name for key in context.selected_asset_check_keys}
    rules = [rule for rule in RULES if rule.name in selected]
    docs_dir = data_dir() / "gx_docs"
    if engine() == "spark":  # the same rules and GX validation, aggregated by Spark (docs/spark.md)
        from tendensen.spark.share_checks import run_share_checks as run_share_checks_on_spark

        rows = run_share_checks_on_spark(run_id=context.run.run_id, docs_dir=docs_dir, rules=rules)
    else:
        rows = run_share_checks(warehouse_path(), run_id=context.run.run_id, docs_dir=docs_dir, rules=rules)
    context.log.info(f"Recorded {len(rows)} checked groups in audit.share_checks; data docs in {docs_dir}")
    status = record_validation(serving_path().parent, rows, context.run.run_id, datetime.now(timezone.utc))
    context.log.info(
        f"Validation {status['status']}, publish {status['publish']}: {serving_path().parent / STATUS_JSON}"
    )
    for rule in rules:
        rule_rows = rows[rows["rule"] == rule.name]
        failures = unacknowledged_failures(rule_rows)
        acknowledged = rule_rows[~rule_rows["passed"] & rule_rows["acknowledged"]]
        listed = [
            describe_group(row)
            + (f" ({row.note})" if row.note else "")
            + (f" -> {hint}" if (hint := acknowledgement_hint(row)) else "")
            for row in failures.head(MAX_LISTED_FAILURES).itertuples()
        ]
        yield dg.AssetCheckResult(
            check_name=rule.name,
            asset_key=ANSWER_SHARES,
            passed=failures.empty,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"{len(failures)} unacknowledged failing group(s): " + "; ".join(listed)
                if listed
                else f"{len(rule_rows)} groups checked, none fails unacknowledged"
            ),
            metadata={
                "groups_checked": len(rule_rows),
                "passed": int(rule_rows["passed"].sum()),
                "failed_unacknowledged": len(failures),
                "failed_acknowledged": len(acknowledged),
                "data_docs": dg.MetadataValue.path(str(docs_dir / "index.html")),
            },
        )
