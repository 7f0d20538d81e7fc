"""Members of the convention: units and individuals (Art. 4, 5, 21, 23)."""
