"""The pre-publication review queue (先审后发, Art. 12): members' systems submit content, the engine screens it,
held items are reviewed by the member's own reviewers, decisions go back by signed webhook, and published items are
swept again when the shared banks gain entries."""
