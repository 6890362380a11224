"""What an installer drew on a terminal, kept as the plain lines it last showed."""

from __future__ import annotations

from jupyter_repro.core.terminal import terminal_text


def test_colours_and_line_erases_are_removed() -> None:
    drawn = "\x1b[2mResolved \x1b[1m5 packages\x1b[0m in 115ms\x1b[0m\r\n"
    assert terminal_text(drawn) == "Resolved 5 packages in 115ms\n"


def test_a_redrawn_line_keeps_what_was_drawn_last() -> None:
    drawn = "Downloading 10%\r\x1b[2KDownloading 60%\r\x1b[2KDownloading done\nInstalled\n"
    assert terminal_text(drawn) == "Downloading done\nInstalled\n"


def test_a_title_and_a_link_sequence_leave_only_their_text() -> None:
    drawn = "\x1b]0;uv\x07see \x1b]8;;https://example.org\x1b\\the docs\x1b]8;;\x1b\\\n"
    assert terminal_text(drawn) == "see the docs\n"


def test_a_shorter_redraw_without_an_erase_leaves_the_end_of_the_longer_line() -> None:
    assert terminal_text("Resolving 100 packages\rDone") == "Donelving 100 packages"
