"""``python -m qgjob_worker`` and the ``qgjob-worker`` command."""

from qgjob_core.lifecycle import exit_cleanly_until_ready

exit_cleanly_until_ready()

from qgjob_worker.main import main  # noqa: E402  (after the signal guard: imports take a while)

if __name__ == "__main__":
    main()
