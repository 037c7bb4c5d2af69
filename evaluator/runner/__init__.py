"""Running checks over files: one file (engine), many files on every core (run, batch, parallel),
incremental runs (manifest), one run per output folder (lock) and the hot folder (watch)."""
