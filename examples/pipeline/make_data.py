"""Writes data/raw.csv: daily temperature and ice-cream sales of one summer (seeded)."""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(2024)
days = pd.date_range("2024-06-01", periods=92, freq="D")
temperature = 24 + 6 * np.sin(np.arange(92) / 14) + rng.normal(0, 1.5, 92)
sales = 40 + 9.5 * temperature + rng.normal(0, 12, 92)
sales[rng.choice(92, 4, replace=False)] = np.nan  # a few days the till was down
frame = pd.DataFrame(
    {"day": days.date, "temperature": temperature.round(1), "sales": sales.round(0)}
)
Path("data").mkdir(exist_ok=True)
frame.to_csv("data/raw.csv", index=False)
