"""Public reporting of illegal and harmful information and its rectification (Art. 10, 12, 17)."""
