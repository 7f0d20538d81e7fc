"""Filings (备案): the websites and apps members register, kept true and valid (Art. 12(5))."""
