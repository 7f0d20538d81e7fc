"""Zilu (自律): the platform that runs the Changping District Internet Industry Self-Discipline Convention."""

__version__ = "0.1.0"
