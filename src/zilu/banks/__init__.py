"""Shared signal banks and the screening service of the platform (Art. 10, 12, 16).

For now the platform's banks come from files named in the settings; curation, contributions and sync arrive with
the banks issue.
"""
