"""The ``ipmifast`` command line."""
