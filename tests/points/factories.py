"""Factories of the points tests."""

import datetime as dt

from tcloud.core.calendar import TAIPEI

# A Thursday in the 111 program: grants here have an activation deadline of
# 2022-04-10 23:59:59.999999 and expire 2022-06-10 23:59:59.999999 (Taipei).
GRANT_TIME = dt.datetime(2022, 3, 10, 10, 0, tzinfo=TAIPEI)


def at(y, m, d, h=12, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TAIPEI)
