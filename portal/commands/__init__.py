"""Commands of the `portal` command line (the parser is in ``portal.cli``)."""
