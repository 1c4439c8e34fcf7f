"""Landing of respondent exports as a Dagster asset, with its own checks (its sensor:
orchestration/defs/landing/sensors.py)."""

import time
from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.defs.asset_keys import LANDED
from tendensen.landing.personal_data import personal_data_found
from tendensen.settings import landed_dir, landing_dir, legacy_salt_path, salt_path


class LandingConfig(dg.Config):
    generate_demo_if_empty: bool = True  # so that `make run` always exercises the respondent path


def exports_in(folder: Path) -> list[Path]:
    from tendensen.landing.folder import export_files

    return export_files(folder)


def _megabytes(path: Path) -> str:
    try:
        return f"{path.stat().st_size / 1e6:,.1f} MB"
    except OSError:
        return "size unknown"


@dg.asset(
    key=LANDED,
    group_name="landing",
    description=(
        "SurveyMonkey or Qualtrics exports dropped in data/landing/, validated, anonymised and landed as "
        "canonical Parquet in data/landed/ (see docs/landing.md). With an empty landing folder "
        "the synthetic 2021 demo exports are generated first (if nothing is landed yet)."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            "no_personal_data_landed",
            asset=LANDED,
            blocking=True,
            description="No e-mail or IP address, IBAN, phone number, unhashed key "
            "or name of the exports' name columns in anything landed "
            "(every run scans all of data/landed; see "
            "tendensen/landing/personal_data.py).",
        ),
        dg.AssetCheckSpec(
            "no_held_exports",
            asset=LANDED,
            blocking=True,
            description="No export was held instead of replacing a better one (no "
            "landable respondent, too many quarantined rows, far fewer "
            "respondents, truncated, or two exports for one edition and "
            'audience): docs/landing.md, "Held exports".',
        ),
        dg.AssetCheckSpec(
            "no_rejected_exports",
            asset=LANDED,
            description="Every export in the landing folder could be landed.",
        ),
        dg.AssetCheckSpec(
            "no_quarantined_rows",
            asset=LANDED,
            description="No respondent row was quarantined (counted, never dropped).",
        ),
    ],
)
def landed_responses(context: AssetExecutionContext, config: LandingConfig):
    from tendensen.landing.codebook import default_codebook
    from tendensen.landing.folder import (
        conflict_reports,
        landed_slots,
        scan_landing_folder,
        unlisted_landings,
    )
    from tendensen.landing.generate import generate_2021_demo
    from tendensen.landing.land import land_file
    from tendensen.landing.salt import SaltProblem, respondent_salt

    folder = landing_dir()
    folder.mkdir(parents=True, exist_ok=True)
    codebook = default_codebook()
    scan = scan_landing_folder(folder, codebook)
    # the demo only where nothing was ever landed: after the last export was withdrawn, it
    # would silently land synthetic data again
    if (
        not scan.exports
        and not scan.conflicts
        and config.generate_demo_if_empty
        and not landed_slots(landed_dir())
    ):
        generate_2021_demo(folder)
        context.log.info(f"Landing folder was empty: generated the synthetic 2021 demo exports in {folder}")
        scan = scan_landing_folder(folder, codebook)
    exports = scan.exports
    try:
        salt = respondent_salt(salt_path(), landed_dir(), legacy_salt_path(), say=context.log.info)
    except SaltProblem as problem:
        raise dg.Failure(description=str(problem)) from None
    reports = []
    for number, export in enumerate(exports, 1):
        # a large export takes seconds to tens of seconds: say which one is being read
        context.log.info(f"[{number}/{len(exports)}] {export.name} ({_megabytes(export)}) ...")
        started = time.monotonic()
        report = land_file(export, landed_dir(), salt=salt, codebook=codebook)
        took = time.monotonic() - started
        context.log.info(
            f"[{number}/{len(exports)}] {export.name}: {report.action}, {report.respondents} respondents, "
            f"{report.answers} answers, {report.quarantined} quarantined, in {took:.1f} s"
            + (
                f" ({report.respondents / took:,.0f} respondents/s)"
                if report.action in ("landed", "replaced") and took > 0
                else ""
            )
            + "".join(f"\n  {message}" for message in report.messages)
        )
        reports.append(report)
    for slot, paths in scan.conflicts.items():
        reports += conflict_reports(slot, paths, landed_dir())
    notes = [*scan.notes, *unlisted_landings(landed_dir(), scan, codebook)]
    for note in notes:
        context.log.warning(note)

    rejected = [report for report in reports if report.action == "rejected"]
    held = [report for report in reports if report.action == "held"]
    quarantined = sum(report.quarantined for report in reports if report.action != "held")
    leaks = personal_data_found(landed_dir(), exports)
    yield dg.MaterializeResult(
        metadata={
            "exports": dg.MetadataValue.json(
                [
                    {
                        "file": report.export_file,
                        "action": report.action,
                        "edition_id": report.edition_id,
                        "audience": report.audience,
                        "respondents": report.respondents,
                        "answers": report.answers,
                        "quarantined": report.quarantined,
                        "kept_apart": report.kept_apart,
                        "outcome": report.outcome,
                        "messages": report.messages[:5],
                    }
                    for report in reports
                ]
            ),
            "notes": dg.MetadataValue.json(notes),
            "respondents": sum(report.respondents for report in reports if report.action != "held"),
            "quarantined_rows": quarantined,
            "rejected_exports": len(rejected),
            "held_exports": len(held),
            "landed_dir": dg.MetadataValue.path(str(landed_dir())),
        }
    )
    # Locations and counts only: the event log is a file too, and must not hold the values.
    yield dg.AssetCheckResult(
        check_name="no_personal_data_landed",
        passed=not leaks,
        description=(
            f"{len(leaks)} finding(s) in {landed_dir()}: "
            + "; ".join(leaks[:20])
            + ". Nothing was built or published. Delete the named landed files (the next "
            "run lands their exports again) and find what put the data there."
        )
        if leaks
        else None,
        metadata={"found": dg.MetadataValue.json(leaks[:20]), "findings": len(leaks)},
    )
    yield dg.AssetCheckResult(
        check_name="no_held_exports",
        passed=not held,
        description="\n".join(report.outcome for report in held) or None,
    )
    yield dg.AssetCheckResult(
        check_name="no_rejected_exports",
        passed=not rejected,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(message for report in rejected for message in report.messages) or None,
    )
    yield dg.AssetCheckResult(
        check_name="no_quarantined_rows",
        passed=quarantined == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{quarantined} respondent row(s) quarantined: see staging.stg_responses__quarantine"
        if quarantined
        else None,
    )
