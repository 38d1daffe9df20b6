//! What `dctwin-gui --measure FILE` records of the app's own speed, for `scripts/gui-speed`:
//! how long until the window's first frame, until a run given on the command line is drawn,
//! and the time between frames (and the app's own work in each) while a live run streams in or
//! a finished run plays back.
//! It ends the app when there is nothing more to measure and writes a JSON summary.

use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

/// Frames drawn with a finished run open before the app closes when there is no live run.
const FRAMES_OPEN: u32 = 10;

/// Frames timed while a finished run plays back before the app closes.
pub const FRAMES_PLAYED: usize = 600;

/// The record.
#[derive(Debug)]
pub struct Measure {
    file: PathBuf,
    started: Instant,
    first_frame_s: Option<f64>,
    first_run_s: Option<f64>,
    frame_began: Option<Instant>,
    last_frame: Option<Instant>,
    /// Between consecutive frames while a live run goes [ms].
    intervals_ms: Vec<f64>,
    /// The app's own work (logic and drawing) of each of those frames [ms].
    work_ms: Vec<f64>,
    frames_open: u32,
    saw_live: bool,
    saw_play: bool,
}

impl Measure {
    /// A record written to `file`, timed from `started` (the process's start).
    pub fn new(file: PathBuf, started: Instant) -> Measure {
        Measure {
            file,
            started,
            first_frame_s: None,
            first_run_s: None,
            frame_began: None,
            last_frame: None,
            intervals_ms: Vec::new(),
            work_ms: Vec::new(),
            frames_open: 0,
            saw_live: false,
            saw_play: false,
        }
    }

    /// At the start of a frame's logic.
    pub fn begin(&mut self) {
        self.frame_began = Some(Instant::now());
    }

    /// At the end of a frame's drawing: `live` whether a run streams in, `playing` whether a
    /// finished run plays back (its frames are timed alike), `run_open` whether a finished run is
    /// shown. Returns whether the app may close: a live run seen, ended and opened; a run played
    /// for [`FRAMES_PLAYED`] frames; or a run drawn for a few frames.
    pub fn end(&mut self, live: bool, playing: bool, run_open: bool) -> bool {
        let now = Instant::now();
        let since_start = (now - self.started).as_secs_f64();
        self.first_frame_s.get_or_insert(since_start);
        if run_open && !live {
            self.first_run_s.get_or_insert(since_start);
            self.frames_open += 1;
        }
        self.saw_live |= live;
        self.saw_play |= playing;
        if (live || playing)
            && let Some(last) = self.last_frame
        {
            self.intervals_ms.push((now - last).as_secs_f64() * 1e3);
            if let Some(began) = self.frame_began {
                self.work_ms.push((now - began).as_secs_f64() * 1e3);
            }
        }
        self.last_frame = Some(now);
        if self.saw_live {
            run_open && !live
        } else if self.saw_play {
            self.intervals_ms.len() >= FRAMES_PLAYED
        } else {
            run_open && self.frames_open >= FRAMES_OPEN
        }
    }

    /// Writes the summary; the error names the file.
    pub fn write(&self) -> Result<(), String> {
        let stats = |v: &[f64]| {
            let mut s = v.to_vec();
            s.sort_by(f64::total_cmp);
            let at = |q: f64| {
                s.get(((s.len() as f64 - 1.0) * q).round() as usize)
                    .copied()
            };
            json!({ "count": s.len(), "median": at(0.5), "p95": at(0.95), "max": s.last() })
        };
        let total_s: f64 = self.intervals_ms.iter().sum::<f64>() / 1e3;
        let summary = json!({
            "window_up_s": self.first_frame_s,
            "first_run_drawn_s": self.first_run_s,
            "live": self.saw_live,
            "played": self.saw_play,
            "frames_per_s": (total_s > 0.0).then(|| self.intervals_ms.len() as f64 / total_s),
            "frame_interval_ms": stats(&self.intervals_ms),
            "frame_work_ms": stats(&self.work_ms),
        });
        std::fs::write(&self.file, format!("{summary:#}\n"))
            .map_err(|e| format!("{}: {e}", self.file.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_counted_while_live_and_the_app_may_close_after_a_finished_run_is_drawn() {
        let dir = std::env::temp_dir().join(format!("dctwin-measure-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut m = Measure::new(dir.join("m.json"), Instant::now());
        for _ in 0..5 {
            m.begin();
            assert!(!m.end(true, false, false));
        }
        m.begin();
        assert!(m.end(false, false, true), "the live run ended and is open");
        m.write().unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("m.json")).unwrap()).unwrap();
        assert_eq!(v["live"], true);
        assert_eq!(
            v["frame_interval_ms"]["count"], 4,
            "the first live frame has none before it"
        );
        assert!(v["window_up_s"].as_f64().unwrap() <= v["first_run_drawn_s"].as_f64().unwrap());
        // A finished run drawn: closes after a few frames; played: after FRAMES_PLAYED timed.
        let mut opened = Measure::new(dir.join("o.json"), Instant::now());
        let closes = (0..FRAMES_OPEN).map(|_| opened.end(false, false, true));
        assert_eq!(closes.filter(|c| *c).count(), 1);
        let mut played = Measure::new(dir.join("p.json"), Instant::now());
        let frames = (0..=FRAMES_PLAYED)
            .position(|_| played.end(false, true, true))
            .unwrap();
        assert_eq!(frames, FRAMES_PLAYED, "the first frame has none before it");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
