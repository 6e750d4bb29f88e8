"""The worker: takes groups for its target, installs the app once, runs each test."""
