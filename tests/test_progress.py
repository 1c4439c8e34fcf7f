"""Progress lines of long loops (tendensen/progress.py): throttled, with count, share and rate."""

from tendensen.progress import Progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_says_count_share_and_rate_at_most_every_interval():
    clock, lines = Clock(), []
    progress = Progress(
        "generating x.csv", 1000, unit="respondents", every_seconds=5, say=lines.append, clock=clock
    )
    clock.now = 1.0
    progress.update(100)  # too soon: nothing
    clock.now = 5.0
    progress.update(500)
    clock.now = 6.0
    progress.update(600)  # within 5 s of the last line: nothing
    clock.now = 10.0
    progress.finish(1000)
    assert lines == [
        "generating x.csv: 500 of 1,000 respondents (50%), 100 respondents/s",
        "generating x.csv: 1,000 of 1,000 respondents (100%), 100 respondents/s, done in 10.0 s",
    ]
