"""The ``qgjob`` command line: a client of the qgjob API."""
