"""The domain: what a request, a job, a price and a prompt are, and the rules they obey.

No I/O, no Qt, and no imports from the rest of the package (an import contract says so):
every other layer builds on these types.
"""
