"""The app a worker subprocess of tests/test_jobs.py runs: the FakeGeoparser, the rest from the
environment (DATABASE_URL, QUEUE_URL, JOB_*), and JOB_STAGE_DELAY_S to make a job slow.

Run as ``flask --app "jobs_app:create()" worker`` with tests/ on PYTHONPATH.
"""
from __future__ import annotations

import os

from flask import Flask

from app import create_app
from testkit import FakeGeoparser

__all__ = ["HungryGeoparser", "create"]


class HungryGeoparser(FakeGeoparser):
    """The FakeGeoparser, but a text starting "HUNGRY <n>" first asks for n MB of memory, and
    one starting "SPIN" runs a C loop that does not end in time."""

    def parse(self, text: str, home=None):  # type: ignore[no-untyped-def]
        if text.startswith("SPIN"):  # one long C loop: no Python code runs, deaf to SIGALRM
            sum(range(10 ** 13))
        if text.startswith("HUNGRY "):
            hoard = bytearray(int(text.split()[1]) * 1024 * 1024)
            del hoard
        return super().parse(text, home)


def create() -> Flask:
    """The worker's app."""
    return create_app({
        "GEOPARSER": HungryGeoparser(),
        "JOB_STAGE_DELAY_S": float(os.environ.get("JOB_STAGE_DELAY_S", "0")),
    })
