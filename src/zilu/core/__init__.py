"""The shared kernel: roles and permissions, the hash-chained audit log, deadlines, identifiers, notifications,
protected files and the background-work helper."""
