"""Synthetic Qualtrics CSV exports ("Use choice text"): the rows of tendensen/landing/generate.py
in Qualtrics' layout (tendensen/landing/formats/qualtrics.py), for
`python -m tendensen.landing.generate ... --tool qualtrics`.

The same seed gives the same respondents, answers and languages as the SurveyMonkey export
(the answers are drawn before either sheet writes them): landed, both give the same shares.
Personal data is as obviously fake as in the SurveyMonkey exports (example.invalid e-mails,
RFC 5737 IP addresses, "Synthetic Respondent <N>"). `unfinished` responses (Finished =
False, some answers given) are written between the others; they are drawn from their own
random stream, so the finished respondents stay those of the SurveyMonkey export.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from tendensen.landing.codebook import Codebook
from tendensen.landing.formats.qualtrics import FIXED_COLUMNS, SELECTED_CHOICE, SEPARATOR, TEXT_SUFFIX
from tendensen.landing.generate import (
    CLOSING_QUESTION,
    OTHER_SECTOR,
    PlannedQuestion,
    sheet_answer_cells,
)

FIXED_TEXTS = (
    "Start Date",
    "End Date",
    "Response Type",
    "IP Address",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "Recorded Date",
    "Response ID",
    "Recipient Last Name",
    "Recipient First Name",
    "Recipient Email",
    "External Data Reference",
    "Location Latitude",
    "Location Longitude",
    "Distribution Channel",
    "User Language",
)
FIXED_IMPORT_IDS = (
    "startDate",
    "endDate",
    "status",
    "ipAddress",
    "progress",
    "duration",
    "finished",
    "recordedDate",
    "_recordId",
    "recipientLastName",
    "recipientFirstName",
    "recipientEmail",
    "externalDataReference",
    "locationLatitude",
    "locationLongitude",
    "distributionChannel",
    "userLanguage",
)
TIME = "%Y-%m-%d %H:%M:%S"


def _import(import_id: str) -> str:
    return json.dumps({"ImportId": import_id}, separators=(",", ":"))


class QualtricsSheet:
    """Header rows and row builder for one plan in Qualtrics' layout; `split_multi`: one
    column per choice ("Split multi-value fields into columns"), else one comma-joined column."""

    def __init__(
        self,
        plan: Sequence[PlannedQuestion],
        codebook: Codebook,
        header_language: str,
        split_multi: bool = False,
        unfinished_every: int = 0,
        seed: int = 0,
    ):
        self.plan, self.split_multi = plan, split_multi
        self.unfinished_every = unfinished_every
        self.unfinished_rng = random.Random(f"{seed}/unfinished")
        self.ids, self.texts = list(FIXED_COLUMNS), list(FIXED_TEXTS)
        self.imports = [_import(i) for i in FIXED_IMPORT_IDS]
        self.labels: dict[tuple[str, str], list[str]] = {}
        self.other_text = False
        for k, question in enumerate(plan, 1):
            self._add_question(k, question, codebook, header_language)
        closing = len(plan) + 1
        self._column(f"Q{closing}", CLOSING_QUESTION[header_language], f"QID{closing}{TEXT_SUFFIX}")

    @property
    def header(self) -> list[list[str]]:
        return [self.ids, self.texts, self.imports]

    def _column(self, qualtrics_id: str, text: str, import_id: str) -> None:
        self.ids.append(qualtrics_id)
        self.texts.append(text)
        self.imports.append(_import(import_id))

    def _add_question(self, k: int, question: PlannedQuestion, codebook: Codebook, language: str) -> None:
        qid = question.question_id
        text = codebook.label("question", qid, qid, language)
        for lang in ("nl", "fr"):
            self.labels[(qid, lang)] = [codebook.label("option", qid, o, lang) for o in question.options]
        if question.is_multi and self.split_multi:
            for i, option in enumerate(question.options, 1):
                label = codebook.label("option", qid, option, language)
                self._column(f"Q{k}_{i}", f"{text}{SEPARATOR}{label}", f"QID{k}_{i}")
        elif question.is_multi:
            self._column(f"Q{k}", f"{text}{SEPARATOR}{SELECTED_CHOICE}", f"QID{k}")
        elif question.items != (None,):
            for i, item in enumerate(question.items, 1):
                label = codebook.label("item", qid, item, language)
                self._column(f"Q{k}_{i}", f"{text}{SEPARATOR}{label}", f"QID{k}_{i}")
        elif qid == OTHER_SECTOR[0] and OTHER_SECTOR[1] in question.options:
            self._column(f"Q{k}", f"{text}{SEPARATOR}{SELECTED_CHOICE}", f"QID{k}")
            other = question.options.index(OTHER_SECTOR[1]) + 1
            label = codebook.label("option", qid, OTHER_SECTOR[1], language)
            self._column(
                f"Q{k}_{other}{TEXT_SUFFIX}",
                f"{text}{SEPARATOR}{label}{SEPARATOR}Text",
                f"QID{k}_{other}{TEXT_SUFFIX}",
            )
            self.other_text = True
        else:
            self._column(f"Q{k}", text, f"QID{k}")

    def answer_cells(self, answers: dict, language: str, number: int, rng: random.Random) -> list[str]:
        return sheet_answer_cells(self, answers, language, number, rng, self.split_multi)

    def cells(
        self,
        answers: dict,
        language: str,
        number: int,
        respondent_id: int,
        start: datetime,
        rng: random.Random,
        finished: bool = True,
    ) -> list[str]:
        return _fixed(number, respondent_id, start, language, finished) + self.answer_cells(
            answers, language, number, rng
        )

    def extra_rows(self, number: int, respondent_id: int, start: datetime) -> list[list[str]]:
        """An unfinished response after every `unfinished_every`-th respondent: it answered the
        first question (its first option) and stopped."""
        if not self.unfinished_every or number % self.unfinished_every:
            return []
        rng = self.unfinished_rng
        first = self.plan[0]
        answer = [0] if first.is_multi else ({i: 0 for i in first.items} if first.items != (None,) else 0)
        return [
            self.cells(
                {first.question_id: answer},
                "nl",
                900_000 + number,
                respondent_id * 7 + 1,
                start,
                rng,
                finished=False,
            )
        ]


def _fixed(number: int, respondent_id: int, start: datetime, language: str, finished: bool) -> list[str]:
    """Obviously fake fixed columns (RFC 2606/5737 reserved values), Qualtrics' notation."""
    duration = 420 + number % 600
    end = start + timedelta(seconds=duration)
    network = "192.0.2" if number % 2 else "198.51.100"
    return [
        start.strftime(TIME),
        end.strftime(TIME),
        "IP Address",
        f"{network}.{1 + number % 254}",
        "100" if finished else str(5 + number % 60),
        str(duration),
        "True" if finished else "False",
        end.strftime(TIME),
        f"R_{respondent_id:015x}",
        f"Respondent {number}",
        "Synthetic",
        f"respondent{number}@example.invalid",
        f"synthetic-ref-{number}",
        "50.8503",
        "4.3517",
        "anonymous",
        language.upper(),
    ]
