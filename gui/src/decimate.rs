//! Min/max decimation: a year of minutes (525,600 points) drawn as at most two points per pixel
//! column, keeping every column's lowest and highest value, so peaks survive and panning stays
//! smooth.

/// The points of `(x, y)` reduced to at most `2 × buckets`: the samples are cut into `buckets`
/// runs of equal count, and each run gives its minimum and its maximum, in the order they came.
/// Fewer samples than `2 × buckets` are returned as they are. Non-finite values are left out.
pub fn min_max<T: Copy + Into<f64>>(x: &[f64], y: &[T], buckets: usize) -> Vec<[f64; 2]> {
    let n = x.len().min(y.len());
    let at = |i: usize| -> [f64; 2] { [x[i], y[i].into()] };
    let finite = |i: &usize| at(*i).iter().all(|v| v.is_finite());
    if buckets == 0 || n <= 2 * buckets {
        return (0..n).filter(finite).map(at).collect();
    }
    let mut out = Vec::with_capacity(2 * buckets);
    for b in 0..buckets {
        let (from, to) = (b * n / buckets, (b + 1) * n / buckets);
        let (mut lo, mut hi) = (None::<usize>, None::<usize>);
        for i in (from..to).filter(finite) {
            if lo.is_none_or(|l| at(i)[1] < at(l)[1]) {
                lo = Some(i);
            }
            if hi.is_none_or(|h| at(i)[1] > at(h)[1]) {
                hi = Some(i);
            }
        }
        match (lo, hi) {
            (Some(l), Some(h)) if l == h => out.push(at(l)),
            (Some(l), Some(h)) => {
                out.push(at(l.min(h)));
                out.push(at(l.max(h)));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_minutes_keeps_its_extremes_in_two_points_a_column() {
        let n = 525_600;
        let x: Vec<f64> = (0..n).map(|i| 60.0 * i as f64).collect();
        let mut y: Vec<f64> = (0..n).map(|i| (i as f64 / 1440.0).sin()).collect();
        y[123_456] = 9.0;
        y[400_000] = -9.0;
        let points = min_max(&x, &y, 1000);
        assert!(points.len() <= 2000);
        assert!(points.iter().any(|p| p[1] == 9.0 && p[0] == x[123_456]));
        assert!(points.iter().any(|p| p[1] == -9.0 && p[0] == x[400_000]));
        assert!(
            points.windows(2).all(|w| w[0][0] < w[1][0]),
            "time order is kept"
        );
    }

    #[test]
    fn short_series_are_kept_and_non_finite_values_left_out() {
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [1.0, f64::NAN, 3.0, 4.0];
        assert_eq!(
            min_max(&x, &y, 10),
            vec![[0.0, 1.0], [2.0, 3.0], [3.0, 4.0]]
        );
        assert_eq!(min_max(&x, &y, 0).len(), 3);
    }
}
