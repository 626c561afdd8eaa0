"""The commands, one module each, named after the command (``packager build`` →
``packager.commands.build``).  Each takes its options dataclass from ``packager.options`` and a
``Progress``, prints what the user asked for and returns the exit code; the work itself is done
by the layers below."""
