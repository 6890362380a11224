# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Air quality by station
#
# Daily PM2.5 readings at three stations in 2023 (`data/measurements.csv`, made by `make_data.py`). We clean the readings, compare stations month by month, estimate how PM2.5 moves with temperature, and write the monthly table to `results/monthly_pm25.csv`.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# %% tags=["parameters"]
threshold_pm25 = 25.0  # WHO 24-hour guideline, in µg/m³

# %%
raw = pd.read_csv("data/measurements.csv", parse_dates=["date"])
print(f"{len(raw)} readings, {raw['pm25'].isna().sum()} missing PM2.5 values")
raw.head()

# %% [markdown]
# Readings where the sensor dropped out have no PM2.5 value; we drop them rather than guess.

# %%
clean = raw.dropna(subset=["pm25"]).copy()
clean["month"] = clean["date"].dt.to_period("M").astype(str)
clean.groupby("station")["pm25"].describe().round(1)

# %%
monthly = clean.pivot_table(index="month", columns="station", values="pm25", aggfunc="mean").round(1)
exceedances = (clean["pm25"] > threshold_pm25).groupby(clean["station"]).sum()
print("days above the guideline:", exceedances.to_dict())
monthly

# %%
slope, intercept = np.polyfit(clean["temperature_c"], clean["pm25"], deg=1)
print(f"PM2.5 changes by {slope:+.2f} µg/m³ per °C (intercept {intercept:.1f})")

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
monthly.plot(ax=ax, marker="o")
ax.axhline(threshold_pm25, color="grey", linestyle="--", label="guideline")
ax.set_ylabel("PM2.5 (µg/m³)")
ax.set_title("Monthly mean PM2.5 by station, 2023")
ax.legend()
plt.show()

# %%
from pathlib import Path

Path("results").mkdir(exist_ok=True)
monthly.to_csv("results/monthly_pm25.csv")
print(f"wrote {len(monthly)} months to results/monthly_pm25.csv")
