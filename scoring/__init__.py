"""NUM+ scoring: observables from the event log, then measurement (later issues)."""
