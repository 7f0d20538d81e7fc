"""Screening tests keep compiled databases out of the user's cache folder."""

from __future__ import annotations

import os

os.environ.setdefault("ZILU_SCREENING_CACHE", "off")
