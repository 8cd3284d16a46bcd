"""Key bindings of the chat: one set for the prompt, one for while a turn runs.

At the prompt, Enter sends the line and Alt-Enter (Esc then Enter) starts a new line; Ctrl-C
clears a line with text in it and, on an empty line, asks the loop to leave (the loop shows a
hint first); Ctrl-D on an empty line leaves (prompt_toolkit's own binding). While a turn runs,
Ctrl-C stops it, and every other key is kept for the next prompt, so typing ahead works.
"""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.key_binding import KeyBindings, KeyPress, KeyPressEvent
from prompt_toolkit.keys import Keys

# Keys the terminal sends by itself, never typed ahead by the user.
_NOT_TYPED = frozenset({Keys.CPRResponse, Keys.Vt100MouseEvent, Keys.Ignore})


def insert_newline(event: KeyPressEvent) -> None:
    """Alt-Enter starts a new line in the message instead of sending it."""
    event.current_buffer.insert_text("\n")


def clear_or_interrupt(event: KeyPressEvent) -> None:
    """Ctrl-C clears the line; on an empty line it asks to leave."""
    buffer = event.current_buffer
    if buffer.text:
        buffer.reset(append_to_history=False)
    else:
        event.app.exit(exception=KeyboardInterrupt(), style="class:aborting")


def prompt_bindings() -> KeyBindings:
    """The bindings added to the prompt (they win over prompt_toolkit's defaults)."""
    bindings = KeyBindings()
    bindings.add("escape", "enter")(insert_newline)
    bindings.add("c-c")(clear_or_interrupt)
    bindings.add("<sigint>")(clear_or_interrupt)
    return bindings


def busy_bindings(
    cancel: Callable[[], bool], keep: Callable[[list[KeyPress]], None]
) -> KeyBindings:
    """The bindings while a turn runs: Ctrl-C calls `cancel`, other keys go to `keep`."""
    bindings = KeyBindings()

    def stop_turn(event: KeyPressEvent) -> None:
        """Ctrl-C stops the running turn; once it has ended, Ctrl-C is for the prompt."""
        if not cancel():
            keep(list(event.key_sequence))

    def type_ahead(event: KeyPressEvent) -> None:
        """Keys typed while a turn runs wait for the next prompt."""
        keep([key for key in event.key_sequence if key.key not in _NOT_TYPED])

    bindings.add("c-c")(stop_turn)
    bindings.add("<sigint>")(stop_turn)
    bindings.add(Keys.Any)(type_ahead)
    return bindings
