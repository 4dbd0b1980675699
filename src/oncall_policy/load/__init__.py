"""Text → data: the only package that imports a YAML library.

``policy`` reads policy.yaml into a ``Policy`` (a fast path first, a position-keeping one for
problems); ``yamldata`` and ``goyaml`` read other YAML documents (an Alertmanager configuration,
amtool's files) as the Go tools read them. Importing this package costs nothing: each reader
brings its parser when it is used.
"""
