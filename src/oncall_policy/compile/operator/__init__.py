"""prometheus-operator: the configuration Secret and the per-namespace ``AlertmanagerConfig``s."""
