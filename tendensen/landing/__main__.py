"""`python -m tendensen.landing accept FILE...` and `... withdraw EDITION_AUDIENCE`.

- accept: land exports of the landing folder that the pipeline holds (docs/landing.md,
  "Held exports"): the run that follows finds them landed ("unchanged") and builds on them.
- withdraw: remove the landed export of an edition x audience (tendensen/landing/withdraw.py).

Both change only the landed files: run the build afterwards (`make run`; `make accept` and
`make withdraw` do both).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def accept(files: list[Path]) -> int:
    from tendensen.landing.land import land_file
    from tendensen.landing.salt import SaltProblem, respondent_salt
    from tendensen.settings import landed_dir, landing_dir, legacy_salt_path, salt_path

    status = 0
    in_folder = []
    for file in files:
        if file.resolve().parent != landing_dir().resolve():
            # landed from elsewhere, it would be replaced by what the landing folder holds
            print(f"{file}: not in the landing folder {landing_dir()}: move it there first")
            status = 1
        else:
            in_folder.append(file)
    if not in_folder:
        return status
    try:  # the pipeline's salt, checked against what is landed: never a silent new one
        salt = respondent_salt(salt_path(), landed_dir(), legacy_salt_path())
    except SaltProblem as problem:
        print(f"accept: {problem}")
        return 1
    for file in in_folder:
        report = land_file(file, landed_dir(), salt=salt, accept=True)
        print(
            f"{file.name}: {report.action}, {report.respondents} respondents, "
            f"{report.answers} answers, {report.quarantined} quarantined"
        )
        print("".join(f"  {message}\n" for message in report.messages), end="")
        status = status or int(report.action == "rejected")
    return status


def withdraw_slot(slot_text: str) -> int:
    from tendensen.landing.codebook import default_codebook
    from tendensen.landing.withdraw import WithdrawError, parse_slot, withdraw
    from tendensen.settings import landed_dir, landing_dir, withdrawn_dir

    try:
        messages = withdraw(
            parse_slot(slot_text), landing_dir(), landed_dir(), withdrawn_dir(), default_codebook()
        )
    except WithdrawError as error:
        print(f"withdraw: {error}")
        return 1
    print("\n".join(messages))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tendensen.landing", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    accepting = commands.add_parser("accept", help="land held exports anyway")
    accepting.add_argument("files", type=Path, nargs="+", metavar="FILE")
    withdrawing = commands.add_parser("withdraw", help="remove the landed export of an edition x audience")
    withdrawing.add_argument("slot", metavar="EDITION_AUDIENCE", help="e.g. 2027_business")
    args = parser.parse_args(argv)
    if args.command == "accept":
        return accept(args.files)
    return withdraw_slot(args.slot)


if __name__ == "__main__":
    sys.exit(main())
