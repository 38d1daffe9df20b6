#!/usr/bin/env python3
"""Make the embedded default's inputs in data/: a typical year of Mannheim weather and a campus
heat demand derived from it.

1. Weather. PyPI `teaser` 1.3.1 (MIT) ships the German test reference year TRY2010, region 12,
   station Mannheim (DWD/BBSR, converted to EPW by Climate.OneBuilding.Org and to a Modelica
   TMY3 table by Buildings' ConvertWeatherData) as
   teaser/data/input/inputdata/weatherdata/DEU_BW_Mannheim_107290_TRY2010_12_Jahr_BBSR.mos.
   The wheel is downloaded with pip, its sha256 checked, the table read, its column meanings
   checked against the file's own #C comments, its values checked against DWD's original
   TRY2010_12_Jahr.dat (shipped in demandlib), and the columns dctwin uses written to
   data/weather/mannheim-try2010.csv.
2. Heat demand. demandlib 0.2.2 (MIT) gives the BDEW/SigLinDe standard heat load profile of
   commercial buildings (GHD) for that weather on the calendar of --year with
   Baden-Württemberg's public holidays; it is scaled to a peak of --peak-kw and written to
   data/heat-demand/campus-try2010.csv.

Re-runnable: the same inputs give byte-identical files. See scripts/data/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.resources
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
from dateutil.easter import easter
from demandlib import bdew

TEASER = "teaser==1.3.1"
TEASER_WHEEL = "teaser-1.3.1-py3-none-any.whl"
TEASER_SHA256 = "26c86dfcc7fc0b87dc89c8786a50ed4ef4743d29852eca12f3dfafcff6e7dd4a"
MOS_MEMBER = (
    "teaser/data/input/inputdata/weatherdata/DEU_BW_Mannheim_107290_TRY2010_12_Jahr_BBSR.mos"
)
HOURS = 8760

# The column comments ConvertWeatherData writes (Modelica Buildings ReaderTMY3's table layout);
# the script refuses a file whose first five columns mean anything else.
EXPECTED_COLUMNS = {
    "#C1": "Time in seconds. Beginning of a year is 0s.",
    "#C2": "Dry bulb temperature in Celsius at indicated time",
    "#C3": "Dew point temperature in Celsius at indicated time",
    "#C4": "Relative humidity in percent at indicated time",
    "#C5": "Atmospheric station pressure in Pa at indicated time",
}

# BDEW standard heat load profile: commercial, trade and services (GHD), not windy, with hot
# water.
SHLP_TYPE = "GHD"
WIND_CLASS = 0
REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    args = parse_args()
    wheel = args.wheel or download_wheel(Path(tempfile.mkdtemp(prefix="dctwin-teaser-")))
    check_sha256(wheel)
    weather = read_mos(wheel)
    check_against_dwd(weather)
    out = args.out_dir
    write_weather(weather, out / "weather" / "mannheim-try2010.csv")
    demand = heat_demand(weather, args.year, args.peak_kw)
    write_demand(demand, args.year, out / "heat-demand" / "campus-try2010.csv")
    report(weather, demand, args.year)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--wheel", type=Path, help="use this teaser wheel instead of downloading it")
    p.add_argument("--out-dir", type=Path, default=REPO / "data", help="default: the repo's data/")
    p.add_argument(
        "--year",
        type=int,
        default=2022,
        help="calendar (weekdays, holidays) the demand profile is laid on (default 2022, the "
        "default scenario's year)",
    )
    p.add_argument("--peak-kw", type=float, default=8000.0, help="campus peak demand (default 8000)")
    return p.parse_args()


def download_wheel(directory: Path) -> Path:
    """The teaser wheel, fetched with pip (no dependencies)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         "--dest", str(directory), TEASER],
        check=True,
    )
    return directory / TEASER_WHEEL


def check_sha256(path: Path) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != TEASER_SHA256:
        sys.exit(f"{path}: sha256 {digest}, expected {TEASER_SHA256}")


def read_mos(wheel: Path) -> pd.DataFrame:
    """The .mos table's first five columns, checked: 8760 hourly rows from 0 s."""
    with zipfile.ZipFile(wheel) as z:
        text = z.read(MOS_MEMBER).decode("ascii")
    lines = text.splitlines()
    comments = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in lines if line.startswith("#C")}
    for key, meaning in EXPECTED_COLUMNS.items():
        if comments.get(key) != meaning:
            sys.exit(f"{MOS_MEMBER}: {key} is '{comments.get(key)}', expected '{meaning}'")
    location = next(line for line in lines if line.startswith("#LOCATION"))
    if location.split(",")[8] != "1.0":
        sys.exit(f"{MOS_MEMBER}: time zone in '{location}' is not UTC+1")
    if f"double tab1({HOURS},30)" not in lines:
        sys.exit(f"{MOS_MEMBER}: no 'double tab1({HOURS},30)' line")
    rows = [line.split("\t") for line in lines if line and line[0] not in "#d"]
    if len(rows) != HOURS:
        sys.exit(f"{MOS_MEMBER}: {len(rows)} rows, expected {HOURS}")
    df = pd.DataFrame(
        {
            "time_s": [float(r[0]) for r in rows],
            "dry_bulb_c": [float(r[1]) for r in rows],
            "dew_point_c": [float(r[2]) for r in rows],
            "relative_humidity_pct": [float(r[3]) for r in rows],
            "pressure_pa": [float(r[4]) for r in rows],
        }
    )
    if not (df["time_s"] == [3600.0 * k for k in range(HOURS)]).all():
        sys.exit(f"{MOS_MEMBER}: times are not 0, 3600, … s")
    # Ranges of the EPW data dictionary (the EPW missing codes would fail here).
    for column, lo, hi in [
        ("dry_bulb_c", -70, 70),
        ("dew_point_c", -70, 70),
        ("relative_humidity_pct", 0, 110),
        ("pressure_pa", 31_000, 120_000),
    ]:
        bad = df[(df[column] < lo) | (df[column] > hi)]
        if len(bad):
            sys.exit(f"{MOS_MEMBER}: {column} outside {lo}..{hi} at rows {list(bad.index[:5])}")
    return df


def check_against_dwd(weather: pd.DataFrame) -> None:
    """The .mos row at k·3600 s (k ≥ 1) is DWD's hour k (MEZ, 1..24 labels the hour's end):
    dry bulb, relative humidity and pressure (hPa there) must agree exactly. Row 0 is the
    converter's copy of hour 1 (it writes the first reading at 0 s and drops 31 Dec 24:00)."""
    dat = importlib.resources.files("demandlib.vdi").joinpath(
        "resources_weather/TRY2010_12_Jahr.dat"
    )
    lines = dat.read_text(encoding="latin-1").splitlines()
    start = lines.index("***") + 1
    rows = [line.split() for line in lines[start:] if line.strip()]
    if len(rows) != HOURS:
        sys.exit(f"{dat}: {len(rows)} rows, expected {HOURS}")
    t = [float(r[8]) for r in rows]
    p = [round(float(r[9]) * 100.0) for r in rows]
    rh = [float(r[11]) for r in rows]
    mismatches = [
        k
        for k in range(1, HOURS)
        if (weather.dry_bulb_c[k], round(weather.pressure_pa[k]), weather.relative_humidity_pct[k])
        != (t[k - 1], p[k - 1], rh[k - 1])
    ]
    if mismatches:
        sys.exit(f"the .mos differs from DWD's TRY2010_12_Jahr.dat at rows {mismatches[:10]}")
    first = weather.iloc[0][["dry_bulb_c", "relative_humidity_pct"]].tolist()
    if first != [t[0], rh[0]]:
        sys.exit("row 0 of the .mos is not a copy of DWD's first hour")


def write_weather(weather: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = pd.DataFrame(
        {
            "hour_of_year": (weather.time_s / 3600).astype(int),
            "dry_bulb_c": weather.dry_bulb_c.map("{:.1f}".format),
            "dew_point_c": weather.dew_point_c.map("{:.1f}".format),
            "relative_humidity_pct": weather.relative_humidity_pct.astype(int),
            "pressure_pa": weather.pressure_pa.astype(int),
        }
    )
    out.to_csv(path, index=False, lineterminator="\n")


def holidays_bw(year: int) -> list[dt.date]:
    """Baden-Württemberg's public holidays of `year`."""
    e = easter(year)
    fixed = [(1, 1), (1, 6), (5, 1), (10, 3), (11, 1), (12, 25), (12, 26)]
    moving = [-2, 1, 39, 50, 60]  # Good Friday, Easter Monday, Ascension, Whit Monday, Corpus Christi
    days = [dt.date(year, m, d) for m, d in fixed] + [e + dt.timedelta(days=n) for n in moving]
    return sorted(days)


def heat_demand(weather: pd.DataFrame, year: int, peak_kw: float) -> pd.Series:
    """The GHD profile for the TRY's dry bulb on `year`'s calendar, scaled to `peak_kw`. The TRY
    has 365 days: a leap year is refused rather than padded."""
    index = pd.date_range(f"{year}-01-01", periods=HOURS, freq="h")
    if index[-1].year != year or (index[-1] + pd.Timedelta(hours=1)).year == year:
        sys.exit(f"{year} is a leap year; the TRY has 365 days")
    temperature = pd.Series(weather.dry_bulb_c.values, index=index)
    profile = bdew.HeatBuilding(
        index,
        holidays=holidays_bw(year),
        temperature=temperature,
        shlp_type=SHLP_TYPE,
        building_class=0,
        wind_class=WIND_CLASS,
        ww_incl=True,
        annual_heat_demand=1.0,
    ).get_bdew_profile()
    return profile / profile.max() * peak_kw


def write_demand(demand: pd.Series, year: int, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    stamps = [t.strftime("%Y-%m-%dT%H:%M:%S+01:00") for t in demand.index]
    out = pd.DataFrame({"time": stamps, "heat_demand_kw": demand.map("{:.1f}".format).values})
    out.to_csv(path, index=False, lineterminator="\n")


def report(weather: pd.DataFrame, demand: pd.Series, year: int) -> None:
    t = weather.dry_bulb_c
    january = t[:31 * 24]
    print(f"dry bulb: mean {t.mean():.2f} °C, min {t.min():.1f} °C (row {t.idxmin()}), "
          f"max {t.max():.1f} °C (row {t.idxmax()}), January mean {january.mean():.3f} °C")
    print(f"relative humidity: mean {weather.relative_humidity_pct.mean():.1f} %; "
          f"pressure: mean {weather.pressure_pa.mean():.0f} Pa")
    rounded = demand.round(1)
    print(f"heat demand ({SHLP_TYPE}, {year}): annual {rounded.sum() / 1e3:.1f} MWh, "
          f"mean {rounded.mean():.1f} kW, peak {rounded.max():.1f} kW at {rounded.idxmax()}, "
          f"min {rounded.min():.1f} kW, full-load hours {rounded.sum() / rounded.max():.0f} h")


if __name__ == "__main__":
    main()
