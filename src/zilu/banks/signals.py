"""Signals of the banks app, so that other apps react to bank changes without the banks app knowing them."""

from django.dispatch import Signal

#: Sent after the commit that put entries into service (``bank=<name>``); the review app sweeps published items.
entries_added = Signal()
