"""Output normalizers: what legitimately differs between two runs disappears."""

from __future__ import annotations

from jupyter_repro.core.normalize import (
    NormalizerSet,
    drop_progress_bars,
    mask_addresses,
    mask_matplotlib_reprs,
    mask_timestamps,
    mask_uuids,
    round_floats,
    strip_ansi,
)


def test_memory_addresses_are_masked() -> None:
    first = "<__main__.Model object at 0x7f3a2c1b9d90>"
    second = "<__main__.Model object at 0x7f0012345678>"
    assert mask_addresses(first) == mask_addresses(second) != mask_addresses("<Model object>")


def test_moments_in_common_forms_are_masked() -> None:
    text = (
        "run at 2024-05-01T12:30:45.123+02:00, then 2024-05-01 12:31:00,"
        " Mon Jan  8 10:00:00 2024, took until 09:15:00.123456"
    )
    masked = mask_timestamps(text)
    assert masked == "run at <datetime>, then <datetime>, <datetime>, took until <time>"


def test_bare_dates_are_data_and_stay() -> None:
    row = "0 2023-01-04  riverside  16.0"
    assert mask_timestamps(row) == row


def test_uuids_are_masked() -> None:
    assert mask_uuids("id=123e4567-e89b-12d3-a456-426614174000.") == "id=<uuid>."


def test_ansi_colour_codes_are_stripped() -> None:
    assert strip_ansi("\x1b[0;31mValueError\x1b[0m: bad") == "ValueError: bad"


def test_float_noise_beyond_the_precision_disappears_but_real_changes_stay() -> None:
    assert round_floats("loss 0.30000000000000004", 6) == round_floats("loss 0.3", 6)
    assert round_floats("loss 0.3001", 6) != round_floats("loss 0.3", 6)
    assert round_floats("version 3.11.7 and x1.5", 2) == "version 3.11.7 and x1.5"


def test_tqdm_progress_keeps_only_the_final_redraw_and_masks_it() -> None:
    fast = (
        "\r 50%|█████     | 5/10 [00:00<00:00, 99.1it/s]"
        "\r100%|██████████| 10/10 [00:00<00:00, 99.9it/s]"
    )
    slow = "100%|██████████| 10/10 [00:03<00:00,  3.1it/s]"
    assert drop_progress_bars(fast) == drop_progress_bars(slow) == "<progress>"


def test_matplotlib_object_reprs_are_masked() -> None:
    a = "[<matplotlib.lines.Line2D at 0x7f1b2c3d4e50>]"
    b = "[<matplotlib.lines.Line2D at 0x7f99aaaabbbb>]"
    assert mask_matplotlib_reprs(a) == mask_matplotlib_reprs(b)
    assert mask_matplotlib_reprs("<Figure size 640x480 with 1 Axes>") == "<matplotlib object>"


def test_extra_regex_normalizers_from_the_configuration_apply_last() -> None:
    normalizers = NormalizerSet.from_config(6, [(r"took \d+ ms", "took N ms")])
    assert normalizers.apply("took 12 ms") == normalizers.apply("took 873 ms") == "took N ms"
    assert normalizers.names()[-1] == r"regex(took \d+ ms)"
