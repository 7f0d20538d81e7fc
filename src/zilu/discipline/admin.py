"""Back office of discipline: nothing is registered.

A case carries the Art. 20 retaliation flag, which the executing body's staff must never see, and its evidence is
private to the member concerned; the back office would show both. Cases, notices, evaluations and nominations are
read on the discipline pages (/staff/discipline/), which apply those rules.
"""
