"""Generate data/measurements.csv: a year of daily air-quality readings at three stations.

Seeded, so running it again produces the same bytes. The notebook reads its output.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

SEED = 20240101
STATIONS = {"riverside": 14.0, "old-town": 21.0, "airport": 17.5}
FIRST_DAY = dt.date(2023, 1, 1)
DAYS_PER_STATION = 120


def rows(rng: random.Random) -> list[dict[str, object]]:
    result = []
    for station, base_pm25 in STATIONS.items():
        for offset in range(0, 365, 365 // DAYS_PER_STATION):
            day = FIRST_DAY + dt.timedelta(days=offset)
            season = math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
            temperature = round(11 - 9 * season + rng.gauss(0, 2.5), 1)
            humidity = round(min(100.0, max(20.0, 70 + 12 * season + rng.gauss(0, 8))), 1)
            pm25 = round(max(1.0, base_pm25 + 6 * season - 0.25 * temperature + rng.gauss(0, 3)), 1)
            record: dict[str, object] = {
                "date": day.isoformat(),
                "station": station,
                "pm25": pm25,
                "temperature_c": temperature,
                "humidity_pct": humidity,
            }
            if rng.random() < 0.04:  # sensors drop out now and then
                record["pm25"] = ""
            result.append(record)
    return result


def main() -> None:
    target = Path(__file__).parent / "data" / "measurements.csv"
    target.parent.mkdir(exist_ok=True)
    data = rows(random.Random(SEED))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(data[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)
    print(f"wrote {len(data)} rows to {target}")


if __name__ == "__main__":
    main()
