"""Landing of respondent exports as a Dagster asset, with its own checks (its sensor:
orchestration/sensors.py)."""

from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.personal_data import personal_data_found
from orchestration.settings import landed_dir, landing_dir, legacy_salt_path, salt_path

LANDED = dg.AssetKey(["landing", "responses"])


class LandingConfig(dg.Config):
    generate_demo_if_empty: bool = True  # so that `make run` always exercises the respondent path


def exports_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.csv") if path.is_file())


@dg.asset(
    key=LANDED,
    group_name="landing",
    description=(
        "SurveyMonkey exports dropped in data/landing/, validated, anonymised and landed as "
        "canonical Parquet in data/landed/ (see docs/landing.md). With an empty landing folder "
        "the synthetic 2021 demo exports are generated first."
    ),
    check_specs=[
        dg.AssetCheckSpec("no_personal_data_landed", asset=LANDED, blocking=True,
                          description="No e-mail or IP address, IBAN, phone number, unhashed key "
                                      "or name of the exports' name columns in anything landed "
                                      "(every run scans all of data/landed; see "
                                      "orchestration/personal_data.py)."),
        dg.AssetCheckSpec("no_rejected_exports", asset=LANDED,
                          description="Every export in the landing folder could be landed."),
        dg.AssetCheckSpec("no_quarantined_rows", asset=LANDED,
                          description="No respondent row was quarantined (counted, never dropped)."),
    ],
)
def landed_responses(context: AssetExecutionContext, config: LandingConfig):
    from orchestration.landing.salt import SaltProblem, respondent_salt
    from orchestration.landing.generate import generate_2021_demo
    from orchestration.landing.land import land_file

    folder = landing_dir()
    folder.mkdir(parents=True, exist_ok=True)
    exports = exports_in(folder)
    if not exports and config.generate_demo_if_empty:
        exports = generate_2021_demo(folder)
        context.log.info(f"Landing folder was empty: generated the synthetic 2021 demo exports in {folder}")
    try:
        salt = respondent_salt(salt_path(), landed_dir(), legacy_salt_path(), say=context.log.info)
    except SaltProblem as problem:
        raise dg.Failure(description=str(problem)) from None
    reports = []
    for number, export in enumerate(exports, 1):
        report = land_file(export, landed_dir(), salt=salt)
        context.log.info(
            f"[{number}/{len(exports)}] {export.name}: {report.action}, {report.respondents} respondents, "
            f"{report.answers} answers, {report.quarantined} quarantined"
            + "".join(f"\n  {message}" for message in report.messages))
        reports.append(report)

    rejected = [report for report in reports if report.action == "rejected"]
    quarantined = sum(report.quarantined for report in reports)
    leaks = personal_data_found(landed_dir(), exports)
    yield dg.MaterializeResult(metadata={
        "exports": dg.MetadataValue.json([
            {"file": report.export_file, "action": report.action, "edition_id": report.edition_id,
             "audience": report.audience, "respondents": report.respondents, "answers": report.answers,
             "quarantined": report.quarantined, "messages": report.messages[:5]}
            for report in reports]),
        "respondents": sum(report.respondents for report in reports),
        "quarantined_rows": quarantined,
        "rejected_exports": len(rejected),
        "landed_dir": dg.MetadataValue.path(str(landed_dir())),
    })
    # Locations and counts only: the event log is a file too, and must not hold the values.
    yield dg.AssetCheckResult(
        check_name="no_personal_data_landed", passed=not leaks,
        description=(f"{len(leaks)} finding(s) in {landed_dir()}: " + "; ".join(leaks[:20])
                     + ". Nothing was built or published. Delete the named landed files (the next "
                       "run lands their exports again) and find what put the data there.")
        if leaks else None,
        metadata={"found": dg.MetadataValue.json(leaks[:20]), "findings": len(leaks)})
    yield dg.AssetCheckResult(
        check_name="no_rejected_exports", passed=not rejected, severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(message for report in rejected for message in report.messages) or None)
    yield dg.AssetCheckResult(
        check_name="no_quarantined_rows", passed=quarantined == 0, severity=dg.AssetCheckSeverity.WARN,
        description=f"{quarantined} respondent row(s) quarantined: see staging.stg_responses__quarantine"
        if quarantined else None)
