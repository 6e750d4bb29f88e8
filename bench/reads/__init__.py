"""Org-scoped reads with a noisy neighbour: what one org's listings cost while another org
has 200,000 dead letters and 200,000 events."""
