"""The screening engine (先审后发): pure Python, no Django.

An import-linter contract (pyproject.toml) keeps this package free of Django and of the platform apps, so
members can run the same engine inside their own services.
"""
