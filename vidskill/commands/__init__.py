"""The subcommands of `vidskill`, one module each (see `vidskill.cli.COMMANDS`)."""
