"""Back-office listing of bank entries and their change log (read-only: changes go through the actions)."""

from django.contrib import admin

from zilu.banks.models import Change, Entry
from zilu.core.admin_site import ReadOnlyRoleAdmin


@admin.register(Entry)
class EntryAdmin(ReadOnlyRoleAdmin):
    """Bank entries with their provenance and state."""

    list_display = ["bank", "key", "status", "flagged", "contributor_label", "version", "updated_at"]
    list_filter = ["bank", "status", "flagged"]
    search_fields = ["key"]


@admin.register(Change)
class ChangeAdmin(ReadOnlyRoleAdmin):
    """The numbered change log of each bank."""

    list_display = ["bank", "version", "op", "entry", "served", "actor_label", "created_at"]
    list_filter = ["bank", "op"]
