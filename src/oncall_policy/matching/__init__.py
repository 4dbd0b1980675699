"""Regular expressions as Alertmanager 0.25 (Go 1.19's ``regexp``) reads and matches them."""
