#!/usr/bin/env python3
"""Reference dates of the Vietnamese lunar calendar, for the Rust test crates/domain/tests/lunar_reference.rs.

Source: the PyPI package `vnlunar` (pinned in the test's install hint), read in its *table*
mode: `get_year_info` decodes Hồ Ngọc Đức's precomputed year tables for 1800-2199, which are
computed for the UTC+7 meridian (Tết 1985 = 21/01/1985, not the Chinese 20/02/1985). The table
is data published independently of our Rust astronomy (Meeus series), so a match is evidence,
not a tautology.

Prints JSON: {"source": ..., "years": [{"year", "tet", "hung_kings_day", "months": [...]}]}.
Usage: .tools/venv/bin/python scripts/lunar_reference.py [FIRST_YEAR LAST_YEAR]
"""
import datetime
import json
import sys
from importlib import metadata

from vnlunar import core

JD_OF_1970_01_01 = 2440588


def iso(jd):
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=jd - JD_OF_1970_01_01)).isoformat()


def year_entry(year):
    months = core.get_year_info(year)
    lengths = core.get_year_month_lengths(year)
    tet = next(m for m in months if m["month"] == 1 and not m["leap"])
    third = next(m for m in months if m["month"] == 3 and not m["leap"])
    return {
        "year": year,
        "tet": iso(tet["jd"]),
        "hung_kings_day": iso(third["jd"] + 9),
        "months": [
            {"month": m["month"], "leap": bool(m["leap"]), "first_day": iso(m["jd"]), "length": length}
            for m, length in zip(months, lengths)
        ],
    }


def main():
    first, last = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (1990, 2100)
    print(json.dumps({
        "source": "vnlunar " + metadata.version("vnlunar") + " (table mode)",
        "years": [year_entry(y) for y in range(first, last + 1)],
    }))


if __name__ == "__main__":
    main()
