"""Validation of submitted footprints against the CBAM rules.

``types`` (the facts a rule reads and the findings it returns, pure), ``registry`` (the one
list of rules), ``rules/`` (one small pure function per rule, each with its legal source),
and the pipeline that runs them in a worker (``runs``)."""
