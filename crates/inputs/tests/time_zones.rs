//! Traces in local time with daylight saving time (`time_zone = "Europe/Berlin"`), around both
//! transitions of 2022: on 27 March the clocks jump from 02:00 CET (+01:00) to 03:00 CEST
//! (+02:00), so 02:00–02:59 does not exist; on 30 October they fall back from 03:00 CEST to
//! 02:00 CET, so 02:00–02:59 happens twice. A meter export in local time shows the first as a
//! missing hour and the second as a repeated one; read in the zone, both are a regular UTC
//! series. Each fixture's value counts the real half hours, so the expected series is 1, 2, 3…

mod common;

use common::{fixture_dir, grid, resolver, write};
use dctwin_inputs::{ColumnSpec, Order, TimeFormat, TraceSpec, load};

/// A half-hourly meter export in Berlin's local time across the spring jump: no 02:00 and
/// 02:30. Local 00:00 CET is 2022-03-26T23:00Z.
const SPRING: &str = "time,power_kw\n\
    2022-03-27 00:00,1\n\
    2022-03-27 00:30,2\n\
    2022-03-27 01:00,3\n\
    2022-03-27 01:30,4\n\
    2022-03-27 03:00,5\n\
    2022-03-27 03:30,6\n\
    2022-03-27 04:00,7\n";

/// The same across the autumn fall-back: 02:00 and 02:30 twice, first in CEST, then in CET.
/// Local 01:00 CEST is 2022-10-29T23:00Z.
const AUTUMN: &str = "time,power_kw\n\
    2022-10-30 01:00,1\n\
    2022-10-30 01:30,2\n\
    2022-10-30 02:00,3\n\
    2022-10-30 02:30,4\n\
    2022-10-30 02:00,5\n\
    2022-10-30 02:30,6\n\
    2022-10-30 03:00,7\n\
    2022-10-30 03:30,8\n";

fn berlin(file: &str) -> TraceSpec {
    let mut spec = TraceSpec::new(file, "time", vec![ColumnSpec::new("power_kw", "kW")]);
    spec.time_zone = Some("Europe/Berlin".into());
    spec
}

/// `n` kW for n = 1..=len, in W.
fn counting(len: usize) -> Vec<f64> {
    (1..=len).map(|n| n as f64 * 1000.0).collect()
}

/// The message of an error that must contain every fragment.
fn message(result: Result<dctwin_inputs::Trace, dctwin_inputs::InputError>) -> String {
    match result {
        Ok(trace) => panic!("expected an error, got {trace:?}"),
        Err(e) => e.to_string(),
    }
}

fn contains_all(message: &str, fragments: &[&str]) {
    eprintln!("{message}");
    for f in fragments {
        assert!(message.contains(f), "lacks '{f}':\n{message}");
    }
}

/// Spring: the skipped local hour is no gap in the zone (seven consecutive half hours in UTC).
/// At a fixed +01:00 the same file has a one-hour gap, and the default policy refuses it.
#[test]
fn spring_forward_is_continuous_in_the_zone() {
    let dir = fixture_dir("tz-spring");
    write(&dir, "spring.csv", SPRING);
    let g = grid("2022-03-26T23:00:00Z", 1800.0, 7);
    let trace = load(&berlin("spring.csv"), &resolver(&dir), &g).unwrap();
    assert_eq!(trace.spacing_s, 1800.0);
    assert_eq!(trace.column("power_kw").unwrap(), counting(7).as_slice());

    let mut fixed = berlin("spring.csv");
    fixed.time_zone = None;
    fixed.utc_offset = Some("+01:00".into());
    contains_all(
        &message(load(&fixed, &resolver(&dir), &g)),
        &["spring.csv", "2 missing sample(s)", "2022-03-27 01:30"],
    );
}

/// Autumn: the repeated local hour is read in order, first in summer time then in winter time,
/// so it is not a duplicate; newest-first files resolve it the other way round; an explicit
/// offset wins over the zone. At a fixed +01:00 the same file runs backwards at the second
/// 02:00 and is refused, the message pointing at `time_zone`; an hourly one repeats 02:00.
#[test]
fn autumn_fold_is_read_in_order() {
    let dir = fixture_dir("tz-autumn");
    write(&dir, "autumn.csv", AUTUMN);
    let g = grid("2022-10-29T23:00:00Z", 1800.0, 8);
    let trace = load(&berlin("autumn.csv"), &resolver(&dir), &g).unwrap();
    assert_eq!(trace.spacing_s, 1800.0);
    assert_eq!(trace.column("power_kw").unwrap(), counting(8).as_slice());

    // Newest first.
    let mut lines: Vec<&str> = AUTUMN.lines().collect();
    lines[1..].reverse();
    write(&dir, "autumn_desc.csv", &(lines.join("\n") + "\n"));
    let mut desc = berlin("autumn_desc.csv");
    desc.order = Order::Descending;
    let trace = load(&desc, &resolver(&dir), &g).unwrap();
    assert_eq!(trace.column("power_kw").unwrap(), counting(8).as_slice());

    // Hourly: the repeated hour shows as the same stamp twice in a row.
    write(
        &dir,
        "hourly.csv",
        "time,power_kw\n2022-10-30 01:00,1\n2022-10-30 02:00,2\n2022-10-30 02:00,3\n\
         2022-10-30 03:00,4\n",
    );
    let hourly = grid("2022-10-29T23:00:00Z", 3600.0, 4);
    let trace = load(&berlin("hourly.csv"), &resolver(&dir), &hourly).unwrap();
    assert_eq!(trace.column("power_kw").unwrap(), counting(4).as_slice());

    // Explicit offsets are exact whatever the zone: here the two 02:30s are written out.
    write(
        &dir,
        "explicit.csv",
        "time,power_kw\n2022-10-30T02:30:00+01:00,2\n2022-10-30T02:30:00+02:00,1\n",
    );
    let mut explicit = berlin("explicit.csv");
    explicit.order = Order::Descending;
    let one_hour = grid("2022-10-30T00:30:00Z", 3600.0, 2);
    let trace = load(&explicit, &resolver(&dir), &one_hour).unwrap();
    assert_eq!(trace.column("power_kw").unwrap(), counting(2).as_slice());

    let mut fixed = berlin("autumn.csv");
    fixed.time_zone = None;
    fixed.utc_offset = Some("+01:00".into());
    contains_all(
        &message(load(&fixed, &resolver(&dir), &g)),
        &[
            "autumn.csv",
            "line 6",
            "2022-10-30 02:00 is out of ascending order",
            "line 5",
            "time_zone",
        ],
    );
    let mut fixed = berlin("hourly.csv");
    fixed.time_zone = None;
    fixed.utc_offset = Some("+01:00".into());
    contains_all(
        &message(load(&fixed, &resolver(&dir), &hourly)),
        &[
            "hourly.csv",
            "line 4 repeats timestamp 2022-10-30 02:00 of line 3",
            "time_zone",
        ],
    );
}

/// A stamp repeated within the second occurrence is a real duplicate, for the duplicate policy.
#[test]
fn a_real_duplicate_in_the_fold_is_still_one() {
    let dir = fixture_dir("tz-duplicate");
    write(
        &dir,
        "dup.csv",
        "time,power_kw\n2022-10-30 02:00,1\n2022-10-30 02:00,2\n2022-10-30 02:00,3\n\
         2022-10-30 03:00,4\n",
    );
    let g = grid("2022-10-30T00:00:00Z", 3600.0, 3);
    contains_all(
        &message(load(&berlin("dup.csv"), &resolver(&dir), &g)),
        &[
            "dup.csv",
            "line 4",
            "repeats timestamp 2022-10-30 02:00",
            "line 3",
        ],
    );
}

/// A local time the zone skips names the file, the line, the column and the text.
#[test]
fn nonexistent_local_time_is_an_error() {
    let dir = fixture_dir("tz-gap");
    write(
        &dir,
        "gap.csv",
        "time,power_kw\n2022-03-27 01:30,1\n2022-03-27 02:00,2\n2022-03-27 03:00,3\n",
    );
    let g = grid("2022-03-27T00:30:00Z", 1800.0, 2);
    contains_all(
        &message(load(&berlin("gap.csv"), &resolver(&dir), &g)),
        &[
            "gap.csv",
            "line 3",
            "column 'time'",
            "'2022-03-27 02:00' does not exist in Europe/Berlin",
        ],
    );
}

/// Bad specifications: an unknown zone (with the right case suggested when only the case is
/// wrong), both keys at once, and an origin in the repeated hour (no row order to tell).
#[test]
fn bad_zone_specifications() {
    let dir = fixture_dir("tz-spec");
    write(&dir, "spring.csv", SPRING);
    let g = grid("2022-03-26T23:00:00Z", 1800.0, 7);

    let mut typo = berlin("spring.csv");
    typo.time_zone = Some("Europe/Berlim".into());
    contains_all(
        &message(load(&typo, &resolver(&dir), &g)),
        &[
            "spring.csv",
            "time_zone",
            "'Europe/Berlim' is not an IANA time zone name",
        ],
    );
    typo.time_zone = Some("europe/berlin".into());
    contains_all(
        &message(load(&typo, &resolver(&dir), &g)),
        &["time_zone", "did you mean Europe/Berlin"],
    );

    let mut both = berlin("spring.csv");
    both.utc_offset = Some("+01:00".into());
    contains_all(
        &message(load(&both, &resolver(&dir), &g)),
        &[
            "spring.csv",
            "utc_offset = \"+01:00\"",
            "time_zone = \"Europe/Berlin\"",
            "both",
        ],
    );

    write(&dir, "hours.csv", "hour,power_kw\n0,1\n1,2\n");
    let mut origin = TraceSpec::new("hours.csv", "hour", vec![ColumnSpec::new("power_kw", "kW")]);
    origin.time_format = TimeFormat::Hours;
    origin.origin = Some("2022-10-30 02:30".into());
    origin.time_zone = Some("Europe/Berlin".into());
    contains_all(
        &message(load(&origin, &resolver(&dir), &g)),
        &[
            "hours.csv",
            "origin",
            "ambiguous in Europe/Berlin",
            "+02:00",
            "+01:00",
        ],
    );
}

/// The key as a scenario's TOML writes it, with a repeated year: a 2021 profile in local time
/// replayed on 2022 gives each step the value of the same date and wall-clock time in 2021.
/// On 27 March 2022 the clocks skip 02:00, so the replay reads 00:00, 01:00, 03:00, … of
/// 27 March 2021 (a plain day then: 2021 jumped on the 28th).
#[test]
fn time_zone_from_toml_and_repeat_year() {
    let dir = fixture_dir("tz-toml");
    // Hourly local profile for 26–29 March 2021: the value is the local hour of the day + 1.
    let mut body = String::from("time,power_kw\n");
    for day in 26..=29 {
        for hour in 0..24 {
            if day == 28 && hour == 2 {
                continue; // skipped in 2021
            }
            body.push_str(&format!("2021-03-{day} {hour:02}:00,{}\n", hour + 1));
        }
    }
    write(&dir, "profile.csv", &body);
    let spec: TraceSpec = toml::from_str(
        r#"
        file = "profile.csv"
        time_column = "time"
        time_zone = "Europe/Berlin"
        repeat_year = true
        columns = [{ name = "power_kw", unit = "kW", resample = "hold" }]
        "#,
    )
    .unwrap();
    assert_eq!(spec.time_zone.as_deref(), Some("Europe/Berlin"));
    // 2022-03-26T23:00Z is local 27 March 00:00 CET; 12 hours cross the jump at 01:00Z.
    let g = grid("2022-03-26T23:00:00Z", 3600.0, 12);
    let trace = load(&spec, &resolver(&dir), &g).unwrap();
    // Local hours of day 0, 1, then 3, 4, … (02:00 does not exist on 27 March 2022).
    let expected: Vec<f64> = [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        .iter()
        .map(|h| (h + 1) as f64 * 1000.0)
        .collect();
    assert_eq!(trace.column("power_kw").unwrap(), expected.as_slice());
}
