"""Staff performance (绩效): per-person figures, quotas, fines, red/yellow/green scorecards."""
