"""Back office of oversight: deliberately empty.

The back office (/backoffice/) is the executing body's. Complaints about the executing body (Art. 20), the requests
for an explanation and their audit entries must not be listed, read or counted there, so none of these models is
registered. The supervising department works on /oversight/complaints/; published heads are public on
/transparency/.
"""
