"""Back office of the notices: nothing is registered.

A notice carries the right holder's identity and contact and, once declared, the user's: the pages and the API show
each side what the law forwards to it (zilu.notices.selectors). A model page would bypass those rules, so there is
none; staff read notices at /notices/.
"""
