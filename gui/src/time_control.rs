//! The playback clock of a run: where the cursor is, whether it plays, how fast and whether it
//! loops. Plain state with no UI, so it is tested on its own; the app asks for repaints only
//! while it plays.

/// The cursor over a run's time span.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeControl {
    /// The cursor [s since the run's start].
    time_s: f64,
    /// The span it moves in [s].
    end_s: f64,
    /// Whether it advances with the wall clock.
    playing: bool,
    /// Simulated seconds per wall second. The default, a day a second, plays a year in six
    /// minutes.
    speed: f64,
    /// Whether it starts over at the end (else it stops there).
    looping: bool,
}

/// Default playback speed [simulated s per wall s]: a day a second.
pub const DEFAULT_SPEED: f64 = 86_400.0;

impl TimeControl {
    /// A paused cursor at the start of a span of `end_s` seconds.
    pub fn new(end_s: f64) -> Self {
        TimeControl {
            time_s: 0.0,
            end_s: end_s.max(0.0),
            playing: false,
            speed: DEFAULT_SPEED,
            looping: false,
        }
    }

    /// The cursor [s since the run's start].
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// The span's end [s].
    pub fn end_s(&self) -> f64 {
        self.end_s
    }

    /// Whether it plays (and so needs repaints).
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// Simulated seconds per wall second.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Whether it loops.
    pub fn is_looping(&self) -> bool {
        self.looping
    }

    /// Starts playing; from the start if the cursor is at the end.
    pub fn play(&mut self) {
        if self.time_s >= self.end_s {
            self.time_s = 0.0;
        }
        self.playing = self.end_s > 0.0;
    }

    /// Stops where it is.
    pub fn pause(&mut self) {
        self.playing = false;
    }

    /// Moves the cursor to `time_s`, kept within the span.
    pub fn seek(&mut self, time_s: f64) {
        if time_s.is_finite() {
            self.time_s = time_s.clamp(0.0, self.end_s);
        }
    }

    /// Sets the speed; only positive finite speeds are taken.
    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() && speed > 0.0 {
            self.speed = speed;
        }
    }

    /// Sets whether it loops.
    pub fn set_looping(&mut self, looping: bool) {
        self.looping = looping;
    }

    /// Advances by `wall_s` seconds of wall time when playing: to the end, then over again when
    /// looping or paused there.
    pub fn advance(&mut self, wall_s: f64) {
        if !(self.playing && wall_s.is_finite() && wall_s > 0.0) {
            return;
        }
        let t = self.time_s + wall_s * self.speed;
        if t < self.end_s {
            self.time_s = t;
        } else if self.looping && self.end_s > 0.0 {
            self.time_s = t % self.end_s;
        } else {
            self.time_s = self.end_s;
            self.playing = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plays_at_its_speed_and_stops_at_the_end() {
        let mut t = TimeControl::new(10.0 * 86_400.0);
        t.advance(1.0);
        assert_eq!(t.time_s(), 0.0, "paused: no time passes");
        t.play();
        t.advance(2.5);
        assert_eq!(t.time_s(), 2.5 * DEFAULT_SPEED);
        t.advance(100.0);
        assert_eq!(t.time_s(), t.end_s());
        assert!(!t.is_playing(), "it stops at the end");
        t.play();
        assert_eq!(t.time_s(), 0.0, "play at the end starts over");
    }

    #[test]
    fn loops_seeks_within_the_span_and_refuses_bad_speeds() {
        let mut t = TimeControl::new(100.0);
        t.set_speed(30.0);
        t.set_speed(-1.0);
        t.set_speed(f64::NAN);
        assert_eq!(t.speed(), 30.0);
        t.set_looping(true);
        t.play();
        t.advance(4.0);
        assert_eq!(t.time_s(), 20.0, "120 s into a 100 s span wraps to 20 s");
        assert!(t.is_playing());
        t.seek(-5.0);
        assert_eq!(t.time_s(), 0.0);
        t.seek(1e9);
        assert_eq!(t.time_s(), 100.0);
        t.seek(f64::NAN);
        assert_eq!(t.time_s(), 100.0);
        t.pause();
        t.advance(1.0);
        assert_eq!(t.time_s(), 100.0);
    }

    #[test]
    fn an_empty_span_never_plays() {
        let mut t = TimeControl::new(0.0);
        t.play();
        assert!(!t.is_playing());
    }
}
