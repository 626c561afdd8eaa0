"""The one error type the command line turns into a clean message and exit code 2."""


class PackagerError(Exception):
    """A problem the user can fix: the message says what is wrong and what to do."""
