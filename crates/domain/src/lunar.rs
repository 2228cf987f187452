//! The Vietnamese lunisolar calendar (âm lịch), computed astronomically for the UTC+7 meridian.
//!
//! Two public holidays follow it (Bộ luật Lao động 2019 art. 112.1.b and 112.1.e): Tết Nguyên đán
//! (1/1 lunar, plus the last day of the lunar year) and Giỗ Tổ Hùng Vương (10/3 lunar).
//!
//! The rules of the calendar, as used in Vietnam since 1968 (when it moved from the Beijing
//! meridian to UTC+7, which is why Tết 1985 fell on 21/01 in Vietnam and 20/02 in China):
//! 1. a month begins on the local (UTC+7) day that holds the astronomical new moon;
//! 2. month 11 is the month that holds the December solstice (sun longitude 270°);
//! 3. when 13 months run from one month 11 to the next, the first month after month 11 that
//!    holds no principal solar term (sun longitude a multiple of 30°) is the leap month, and it
//!    takes the number of the month before it.
//!
//! The astronomy is written from Jean Meeus, *Astronomical Algorithms* (2nd ed.): chapter 49
//! (true new moon, with the periodic and planetary corrections), chapter 25 (apparent solar
//! longitude, low-accuracy series, error about 0.01°), and the Espenak–Meeus polynomials for
//! ΔT = TT − UT. Supported lunar years: [`SUPPORTED_YEARS`].

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::f64::consts::PI;
use std::ops::RangeInclusive;

/// The Gregorian and lunar years this module computes. The ΔT model and the truncated series
/// stay accurate to well under a minute across this span; the holidays need 1990–2100.
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 1900..=2199;

/// Vietnam's legal time, UTC+7, in hours: the meridian of the calendar.
const VIETNAM_UTC_OFFSET_HOURS: f64 = 7.0;

/// Mean length of a synodic month in days (Meeus eq. 49.1).
const SYNODIC_MONTH: f64 = 29.530_588_861;

/// Julian Ephemeris Day of the mean new moon of 2000-01-06, lunation k = 0 (Meeus eq. 49.1).
const NEW_MOON_EPOCH_JDE: f64 = 2_451_550.097_66;

/// The Julian Day Number of 0001-12-31 BCE in chrono's proleptic Gregorian count, so that
/// `jdn = num_days_from_ce + JDN_OF_CE_DAY_ZERO`.
const JDN_OF_CE_DAY_ZERO: i64 = 1_721_425;

/// Why a lunar conversion could not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LunarError {
    /// The year is outside [`SUPPORTED_YEARS`].
    #[error("lunar_year_out_of_range: year {0} is outside 1900..=2199")]
    YearOutOfRange(i32),
    /// The lunar date does not exist (day 30 of a 29-day month, a leap month the year lacks).
    #[error("lunar_date_does_not_exist: {0}")]
    NoSuchDate(LunarDate),
}

impl LunarError {
    /// A stable machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::YearOutOfRange(_) => "lunar_year_out_of_range",
            Self::NoSuchDate(_) => "lunar_date_does_not_exist",
        }
    }
}

/// A date in the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LunarDate {
    /// The lunar year, named by the Gregorian year in which its month 1 begins.
    pub year: i32,
    /// The month number, 1..=12.
    pub month: u8,
    /// Whether this is the leap (nhuận) month that repeats `month`.
    pub leap: bool,
    /// The day of the month, 1..=30.
    pub day: u8,
}

impl std::fmt::Display for LunarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let leap = if self.leap { " nhuận" } else { "" };
        write!(
            f,
            "{}/{}{} âm lịch năm {}",
            self.day, self.month, leap, self.year
        )
    }
}

/// One lunar month: its number, whether it is the leap month, and its first solar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LunarMonth {
    /// The lunar year the month belongs to.
    pub year: i32,
    /// The month number, 1..=12.
    pub month: u8,
    /// Whether this is the leap month.
    pub leap: bool,
    /// The solar date of day 1 of the month.
    pub first_day: NaiveDate,
    /// 29 or 30.
    pub length: u8,
}

/// Tết Nguyên đán: the solar date of 1/1 of lunar year `year`.
pub fn tet(year: i32) -> Result<NaiveDate, LunarError> {
    lunar_to_solar(LunarDate {
        year,
        month: 1,
        leap: false,
        day: 1,
    })
}

/// Giỗ Tổ Hùng Vương: the solar date of 10/3 (the regular, non-leap month 3) of lunar year
/// `year` (Bộ luật Lao động 2019 art. 112.1.e).
pub fn hung_kings_day(year: i32) -> Result<NaiveDate, LunarError> {
    lunar_to_solar(LunarDate {
        year,
        month: 3,
        leap: false,
        day: 10,
    })
}

/// The last day of lunar year `year - 1` ("30 Tết" or "29 Tết"): the day before Tết of `year`.
pub fn lunar_new_years_eve(year: i32) -> Result<NaiveDate, LunarError> {
    let tet = tet(year)?;
    tet.pred_opt().ok_or(LunarError::YearOutOfRange(year))
}

/// The months of lunar year `year`, from month 1 to month 12, with the leap month (if any) in
/// its place.
pub fn months_of_year(year: i32) -> Result<Vec<LunarMonth>, LunarError> {
    check_year(year)?;
    check_year(year + 1)?;
    // A "sui" runs from one month 11 to the next; lunar year Y spans the end of sui(Y) (months
    // 1..=10) and the start of sui(Y + 1) (months 11 and 12).
    let mut months = Vec::with_capacity(13);
    for (sui_end_year, wanted_year) in [(year, year), (year + 1, year)] {
        for month in sui_months(sui_end_year) {
            if month.year == wanted_year {
                months.push(month);
            }
        }
    }
    let mut result = Vec::with_capacity(months.len());
    for month in months {
        let first_day = date_from_jdn(month.first_jdn).ok_or(LunarError::YearOutOfRange(year))?;
        let length = u8::try_from(month.next_jdn - month.first_jdn)
            .map_err(|_| LunarError::YearOutOfRange(year))?;
        result.push(LunarMonth {
            year: month.year,
            month: month.month,
            leap: month.leap,
            first_day,
            length,
        });
    }
    Ok(result)
}

/// Converts a solar (Gregorian) date to the Vietnamese lunar date.
pub fn solar_to_lunar(date: NaiveDate) -> Result<LunarDate, LunarError> {
    let year = date.year();
    check_year(year)?;
    let jdn = jdn_of(date);
    // The date lies in the sui ending at month 11 of this Gregorian year, or in the next one.
    let sui_end = if jdn >= month11_start(year) {
        year + 1
    } else {
        year
    };
    check_year(sui_end)?;
    let months = sui_months(sui_end);
    let month = months
        .iter()
        .rev()
        .find(|month| month.first_jdn <= jdn)
        .ok_or(LunarError::YearOutOfRange(year))?;
    let day =
        u8::try_from(jdn - month.first_jdn + 1).map_err(|_| LunarError::YearOutOfRange(year))?;
    Ok(LunarDate {
        year: month.year,
        month: month.month,
        leap: month.leap,
        day,
    })
}

/// Converts a Vietnamese lunar date to the solar (Gregorian) date.
pub fn lunar_to_solar(date: LunarDate) -> Result<NaiveDate, LunarError> {
    check_year(date.year)?;
    // Months 1..=10 sit in the sui ending in the same Gregorian year, 11 and 12 in the next.
    let sui_end = if date.month >= 11 {
        date.year + 1
    } else {
        date.year
    };
    check_year(sui_end)?;
    let month = sui_months(sui_end)
        .into_iter()
        .find(|month| {
            month.year == date.year && month.month == date.month && month.leap == date.leap
        })
        .ok_or(LunarError::NoSuchDate(date))?;
    let length = month.next_jdn - month.first_jdn;
    if date.day == 0 || i64::from(date.day) > length {
        return Err(LunarError::NoSuchDate(date));
    }
    date_from_jdn(month.first_jdn + i64::from(date.day) - 1)
        .ok_or(LunarError::YearOutOfRange(date.year))
}

fn check_year(year: i32) -> Result<(), LunarError> {
    if SUPPORTED_YEARS.contains(&year) {
        Ok(())
    } else {
        Err(LunarError::YearOutOfRange(year))
    }
}

/// A lunar month as Julian Day Numbers of its first day and of the next month's first day.
#[derive(Debug, Clone, Copy)]
struct MonthSpan {
    year: i32,
    month: u8,
    leap: bool,
    first_jdn: i64,
    next_jdn: i64,
}

/// The months of the sui that ends where month 11 of Gregorian year `end_year` begins: month 11
/// and 12 of lunar year `end_year - 1`, then months 1..=10 of lunar year `end_year`, with the
/// leap month (rule 3) inserted if the sui holds 13 months.
fn sui_months(end_year: i32) -> Vec<MonthSpan> {
    let start = month11_start(end_year - 1);
    let end = month11_start(end_year);
    let k0 = lunation_on_or_before(start);
    let mut starts = Vec::with_capacity(14);
    let mut k = k0;
    loop {
        let day = new_moon_day(k);
        starts.push(day);
        if day >= end {
            break;
        }
        k += 1;
    }
    // `starts` holds the first day of each month and, last, `end` itself.
    let month_count = starts.len() - 1;
    let leap_index = if month_count == 13 {
        // Rule 3: the first month after month 11 without a principal term. Month index 0 is
        // month 11 and always holds the solstice.
        (1..month_count)
            .find(|&i| principal_term_index(starts[i]) == principal_term_index(starts[i + 1]))
    } else {
        None
    };
    let mut months = Vec::with_capacity(month_count);
    let mut number: u8 = 10; // incremented before use: the first month is 11
    for i in 0..month_count {
        let leap = Some(i) == leap_index;
        if !leap {
            number = number % 12 + 1;
        }
        let year = if number >= 11 && i <= 2 {
            end_year - 1
        } else {
            end_year
        };
        months.push(MonthSpan {
            year,
            month: number,
            leap,
            first_jdn: starts[i],
            next_jdn: starts[i + 1],
        });
    }
    months
}

/// The first day (JDN, UTC+7) of the lunar month 11 that holds the December solstice of
/// Gregorian year `year` (rule 2).
fn month11_start(year: i32) -> i64 {
    let december_31 = jdn_from_ymd(year, 12, 31);
    let k = lunation_on_or_before(december_31);
    let start = new_moon_day(k);
    // Sun longitude at the start of the month: if the solstice (270°) already passed, the
    // solstice lies in the previous month.
    if sun_longitude_at_local_midnight(start) >= 270.0 {
        new_moon_day(k - 1)
    } else {
        start
    }
}

/// The lunation number k of the last new moon whose local day is on or before `jdn`.
fn lunation_on_or_before(jdn: i64) -> i64 {
    let mut k = ((jdn as f64 - NEW_MOON_EPOCH_JDE) / SYNODIC_MONTH).floor() as i64;
    while new_moon_day(k) > jdn {
        k -= 1;
    }
    while new_moon_day(k + 1) <= jdn {
        k += 1;
    }
    k
}

/// The index 0..=11 of the 30° sector of ecliptic longitude the sun is in at the start (local
/// midnight, UTC+7) of day `jdn`. A month holds a principal term exactly when the index at its
/// first day differs from the index at the next month's first day.
fn principal_term_index(jdn: i64) -> i64 {
    (sun_longitude_at_local_midnight(jdn) / 30.0).floor() as i64
}

/// The local (UTC+7) Julian Day Number of the day holding new moon number `k`.
fn new_moon_day(k: i64) -> i64 {
    let jde = true_new_moon_jde(k as f64);
    let jd_ut = jde - delta_t_seconds(jde) / 86_400.0;
    (jd_ut + VIETNAM_UTC_OFFSET_HOURS / 24.0 + 0.5).floor() as i64
}

/// Apparent solar longitude, degrees in [0, 360), at 00:00 UTC+7 of day `jdn`.
fn sun_longitude_at_local_midnight(jdn: i64) -> f64 {
    let jd_ut = jdn as f64 - 0.5 - VIETNAM_UTC_OFFSET_HOURS / 24.0;
    let jde = jd_ut + delta_t_seconds(jd_ut) / 86_400.0;
    apparent_sun_longitude(jde)
}

fn sin_deg(degrees: f64) -> f64 {
    (degrees * PI / 180.0).sin()
}

/// The instant (JDE, Terrestrial Time) of true new moon number `k` (Meeus ch. 49, with the
/// periodic terms of table 49.A for the new moon and the 14 planetary arguments).
pub(crate) fn true_new_moon_jde(k: f64) -> f64 {
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let t4 = t3 * t;
    let mean = NEW_MOON_EPOCH_JDE + SYNODIC_MONTH * k + 0.000_154_37 * t2 - 0.000_000_150 * t3
        + 0.000_000_000_73 * t4;
    let e = 1.0 - 0.002_516 * t - 0.000_007_4 * t2;
    let sun_anomaly = 2.5534 + 29.105_356_70 * k - 0.000_001_4 * t2 - 0.000_000_11 * t3;
    let moon_anomaly =
        201.5643 + 385.816_935_28 * k + 0.010_758_2 * t2 + 0.000_012_38 * t3 - 0.000_000_058 * t4;
    let latitude_arg =
        160.7108 + 390.670_502_84 * k - 0.001_611_8 * t2 - 0.000_002_27 * t3 + 0.000_000_011 * t4;
    let node = 124.7746 - 1.563_755_88 * k + 0.002_067_2 * t2 + 0.000_002_15 * t3;
    let (m, mp, f) = (sun_anomaly, moon_anomaly, latitude_arg);
    let periodic = -0.40720 * sin_deg(mp)
        + 0.17241 * e * sin_deg(m)
        + 0.01608 * sin_deg(2.0 * mp)
        + 0.01039 * sin_deg(2.0 * f)
        + 0.00739 * e * sin_deg(mp - m)
        - 0.00514 * e * sin_deg(mp + m)
        + 0.00208 * e * e * sin_deg(2.0 * m)
        - 0.00111 * sin_deg(mp - 2.0 * f)
        - 0.00057 * sin_deg(mp + 2.0 * f)
        + 0.00056 * e * sin_deg(2.0 * mp + m)
        - 0.00042 * sin_deg(3.0 * mp)
        + 0.00042 * e * sin_deg(m + 2.0 * f)
        + 0.00038 * e * sin_deg(m - 2.0 * f)
        - 0.00024 * e * sin_deg(2.0 * mp - m)
        - 0.00017 * sin_deg(node)
        - 0.00007 * sin_deg(mp + 2.0 * m)
        + 0.00004 * sin_deg(2.0 * mp - 2.0 * f)
        + 0.00004 * sin_deg(3.0 * m)
        + 0.00003 * sin_deg(mp + m - 2.0 * f)
        + 0.00003 * sin_deg(2.0 * mp + 2.0 * f)
        - 0.00003 * sin_deg(mp + m + 2.0 * f)
        + 0.00003 * sin_deg(mp - m + 2.0 * f)
        - 0.00002 * sin_deg(mp - m - 2.0 * f)
        - 0.00002 * sin_deg(3.0 * mp + m)
        + 0.00002 * sin_deg(4.0 * mp);
    let planetary: [(f64, f64, f64); 14] = [
        (0.000_325, 299.77, 0.107_408),
        (0.000_165, 251.88, 0.016_321),
        (0.000_164, 251.83, 26.651_886),
        (0.000_126, 349.42, 36.412_478),
        (0.000_110, 84.66, 18.206_239),
        (0.000_062, 141.74, 53.303_771),
        (0.000_060, 207.14, 2.453_732),
        (0.000_056, 154.84, 7.306_860),
        (0.000_047, 34.52, 27.261_239),
        (0.000_042, 207.19, 0.121_824),
        (0.000_040, 291.34, 1.844_379),
        (0.000_037, 161.72, 24.198_154),
        (0.000_035, 239.56, 25.513_099),
        (0.000_023, 331.55, 3.592_518),
    ];
    let additional: f64 = planetary
        .iter()
        .enumerate()
        .map(|(i, &(coefficient, base, rate))| {
            // A1 alone has a T² term (Meeus p. 351).
            let argument = base + rate * k - if i == 0 { 0.009_173 * t2 } else { 0.0 };
            coefficient * sin_deg(argument)
        })
        .sum();
    mean + periodic + additional
}

/// Apparent geocentric longitude of the sun in degrees, [0, 360), at `jde` (Terrestrial Time),
/// by the low-accuracy method of Meeus ch. 25 (eqs. 25.2–25.4 and the aberration/nutation
/// correction of p. 164).
pub(crate) fn apparent_sun_longitude(jde: f64) -> f64 {
    let t = (jde - 2_451_545.0) / 36_525.0;
    let mean_longitude = 280.466_46 + 36_000.769_83 * t + 0.000_303_2 * t * t;
    let mean_anomaly = 357.529_11 + 35_999.050_29 * t - 0.000_153_7 * t * t;
    let center = (1.914_602 - 0.004_817 * t - 0.000_014 * t * t) * sin_deg(mean_anomaly)
        + (0.019_993 - 0.000_101 * t) * sin_deg(2.0 * mean_anomaly)
        + 0.000_289 * sin_deg(3.0 * mean_anomaly);
    let true_longitude = mean_longitude + center;
    let node = 125.04 - 1_934.136 * t;
    let apparent = true_longitude - 0.005_69 - 0.004_78 * sin_deg(node);
    apparent.rem_euclid(360.0)
}

/// ΔT = TT − UT in seconds at Julian Day `jd`, by the Espenak–Meeus polynomials (NASA Five
/// Millennium Canon of Solar Eclipses, 2006), for the spans this module covers.
pub(crate) fn delta_t_seconds(jd: f64) -> f64 {
    // Decimal year, good enough for ΔT, which changes by about a second a year.
    let y = 2000.0 + (jd - 2_451_544.5) / 365.2425;
    if y < 1920.0 {
        let t = y - 1900.0;
        -2.79 + 1.494_119 * t - 0.059_893_9 * t.powi(2) + 0.006_196_6 * t.powi(3)
            - 0.000_197 * t.powi(4)
    } else if y < 1941.0 {
        let t = y - 1920.0;
        21.20 + 0.844_93 * t - 0.076_100 * t.powi(2) + 0.002_093_6 * t.powi(3)
    } else if y < 1961.0 {
        let t = y - 1950.0;
        29.07 + 0.407 * t - t.powi(2) / 233.0 + t.powi(3) / 2547.0
    } else if y < 1986.0 {
        let t = y - 1975.0;
        45.45 + 1.067 * t - t.powi(2) / 260.0 - t.powi(3) / 718.0
    } else if y < 2005.0 {
        let t = y - 2000.0;
        63.86 + 0.3345 * t - 0.060_374 * t.powi(2)
            + 0.001_727_5 * t.powi(3)
            + 0.000_651_814 * t.powi(4)
            + 0.000_023_735_99 * t.powi(5)
    } else if y < 2050.0 {
        let t = y - 2000.0;
        62.92 + 0.322_17 * t + 0.005_589 * t.powi(2)
    } else if y < 2150.0 {
        -20.0 + 32.0 * ((y - 1820.0) / 100.0).powi(2) - 0.5628 * (2150.0 - y)
    } else {
        -20.0 + 32.0 * ((y - 1820.0) / 100.0).powi(2)
    }
}

fn jdn_of(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_OF_CE_DAY_ZERO
}

fn jdn_from_ymd(year: i32, month: u32, day: u32) -> i64 {
    // Callers pass valid dates of supported years; fall back to a day count if not.
    NaiveDate::from_ymd_opt(year, month, day)
        .map(jdn_of)
        .unwrap_or_else(|| (f64::from(year - 2000) * 365.2425) as i64 + 2_451_545)
}

fn date_from_jdn(jdn: i64) -> Option<NaiveDate> {
    let days = i32::try_from(jdn - JDN_OF_CE_DAY_ZERO).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    /// Meeus example 49.a: the new moon of 1977 February, k = −283, JDE 2443192.65118.
    #[test]
    fn new_moon_matches_meeus_example_49a() {
        let jde = true_new_moon_jde(-283.0);
        assert!((jde - 2_443_192.651_18).abs() < 0.000_05, "got {jde}");
    }

    /// Meeus example 25.a: 1992 October 13.0 TD, apparent longitude 199.90895° (low accuracy).
    #[test]
    fn sun_longitude_matches_meeus_example_25a() {
        let longitude = apparent_sun_longitude(2_448_908.5);
        assert!((longitude - 199.908_95).abs() < 0.000_1, "got {longitude}");
    }

    #[test]
    fn jdn_round_trips_through_chrono() {
        assert_eq!(jdn_of(date(2000, 1, 1)), 2_451_545);
        assert_eq!(date_from_jdn(2_451_545), Some(date(2000, 1, 1)));
    }

    /// The UTC+7 meridian: Tết Ất Sửu 1985 was 21/01/1985 in Vietnam (20/02/1985 in China).
    #[test]
    fn tet_1985_is_the_vietnamese_date_not_the_chinese_one() {
        assert_eq!(tet(1985), Ok(date(1985, 1, 21)));
    }

    /// Tết Đinh Hợi 2007 was 17/02/2007 in Vietnam (18/02/2007 in China).
    #[test]
    fn tet_2007_is_the_vietnamese_date() {
        assert_eq!(tet(2007), Ok(date(2007, 2, 17)));
    }

    #[test]
    fn tet_and_hung_kings_day_of_2025_and_2026() {
        assert_eq!(tet(2025), Ok(date(2025, 1, 29)));
        assert_eq!(hung_kings_day(2025), Ok(date(2025, 4, 7)));
        assert_eq!(tet(2026), Ok(date(2026, 2, 17)));
        assert_eq!(hung_kings_day(2026), Ok(date(2026, 4, 26)));
        assert_eq!(lunar_new_years_eve(2026), Ok(date(2026, 2, 16)));
    }

    /// 2023 (Quý Mão) had a leap month 2, so Giỗ Tổ fell late, on 29/04/2023.
    #[test]
    fn leap_month_two_of_2023_pushes_hung_kings_day_to_late_april() {
        let months = months_of_year(2023).expect("2023 is supported");
        assert_eq!(months.len(), 13);
        assert!(months.iter().any(|m| m.month == 2 && m.leap));
        assert_eq!(hung_kings_day(2023), Ok(date(2023, 4, 29)));
    }

    #[test]
    fn solar_and_lunar_round_trip_over_several_years() {
        let mut day = date(2019, 1, 1);
        while day < date(2031, 1, 1) {
            let lunar = solar_to_lunar(day).expect("supported");
            assert_eq!(lunar_to_solar(lunar), Ok(day), "{lunar}");
            day = day.succ_opt().expect("in range");
        }
    }

    #[test]
    fn out_of_range_years_and_missing_dates_are_errors() {
        assert_eq!(tet(1800), Err(LunarError::YearOutOfRange(1800)));
        let leap_one_in_2026 = LunarDate {
            year: 2026,
            month: 1,
            leap: true,
            day: 1,
        };
        assert_eq!(
            lunar_to_solar(leap_one_in_2026),
            Err(LunarError::NoSuchDate(leap_one_in_2026))
        );
        assert_eq!(
            LunarError::NoSuchDate(leap_one_in_2026).code(),
            "lunar_date_does_not_exist"
        );
    }
}
