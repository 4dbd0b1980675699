"""The gate: an HTTP server in front of Alertmanager that judges every silence written through it.

``config`` (the gate's settings file), ``users`` (basic-auth password hashes), ``identity`` (who
a request authenticates as), ``paths`` (which requests write silences), ``bodies`` (reading a
request body within bounds), ``writes`` (the judgement of a silence write, pure), ``answers``
(errors as Alertmanager writes them), ``headers`` (what a proxy forwards), ``upstreams`` (the
Alertmanagers behind: listing, creating with fail-over), ``relay`` (streamed pass-through) and
``server`` (the aiohttp application that ties them together); ``approvals``, ``pending``,
``approve_page`` and ``proof`` (silences held for approval, approved, signed).
"""
