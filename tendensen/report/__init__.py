"""Static HTML report of the published shares and their validation findings (`make report`)."""

from tendensen.report.build import build_report

__all__ = ["build_report"]
