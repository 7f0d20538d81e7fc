"""The public site's shared templates and the pages that aggregate the other apps."""
