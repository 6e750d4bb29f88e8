"""Pieces every qgjob service shares: settings base, logging, process lifecycle."""
