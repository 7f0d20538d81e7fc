"""Back office of disputes: nothing is registered.

Disputes are confidential between their parties (Art. 19): the executing body works on them only through the
mediation queue (/staff/disputes/), which shows a dispute once mediation is requested and its negotiation thread
only with every party's consent. A model page in the back office would bypass those rules, so there is none.
"""
