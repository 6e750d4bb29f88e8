"""``python -m qgjob_api`` and the ``qgjob-api`` command."""

from qgjob_core.lifecycle import exit_cleanly_until_ready

exit_cleanly_until_ready()

from qgjob_api.main import main  # noqa: E402  (after the signal guard: imports take a while)

if __name__ == "__main__":
    main()
