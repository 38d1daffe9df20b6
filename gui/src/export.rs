//! What the app exports: a part of its window as PNG (the plots, the schematic), and the KPIs
//! shown as CSV (one run, or two with their differences).

use crate::run_data::RunData;
use dctwin_kpi::Kpis;
use eframe::egui::{ColorImage, Rect};
use std::path::Path;

/// The pixels of `image` (the whole window) inside `rect` (points), at `pixels_per_point`.
pub fn crop(image: &ColorImage, rect: Rect, pixels_per_point: f32) -> Option<ColorImage> {
    let px = |v: f32, most: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(most);
    let [w, h] = image.size;
    let (x0, x1) = (px(rect.left(), w), px(rect.right(), w));
    let (y0, y1) = (px(rect.top(), h), px(rect.bottom(), h));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        pixels.extend_from_slice(&image.pixels[y * w + x0..y * w + x1]);
    }
    Some(ColorImage::new([x1 - x0, y1 - y0], pixels))
}

/// Writes `image` as a PNG to `path`, creating its directory; the error names the file.
pub fn write_png(image: &ColorImage, path: &Path) -> Result<(), String> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
        .ok_or_else(|| format!("{}: the image has no pixels", path.display()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    buffer
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The KPIs of `a` (and `b` with the difference `b` − `a`) as CSV: one row per KPI, exact
/// values (SI-free report units as named).
pub fn kpis_csv(a: &RunData, b: Option<&RunData>) -> String {
    let fields = |k: &Kpis| k.fields();
    let mut out = match b {
        None => format!("kpi,{}\n", quoted(&a.label())),
        Some(b) => format!(
            "kpi,{},{},difference\n",
            quoted(&a.label()),
            quoted(&b.label())
        ),
    };
    let number = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    let fa = fields(&a.kpis.whole);
    match b {
        None => {
            for (name, v) in fa {
                out += &format!("{name},{}\n", number(v));
            }
        }
        Some(b) => {
            for ((name, x), (_, y)) in fa.into_iter().zip(fields(&b.kpis.whole)) {
                let d = x.zip(y).map(|(x, y)| y - x);
                out += &format!("{name},{},{},{}\n", number(x), number(y), number(d));
            }
        }
    }
    out
}

/// `text` as a CSV field.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::{Color32, Pos2};

    #[test]
    fn a_crop_takes_the_pixels_under_the_rect_at_the_screens_scale() {
        // 4 × 3 pixels, each coloured by its position.
        let pixels = (0..12)
            .map(|i| Color32::from_rgb(i as u8, 0, 0))
            .collect::<Vec<_>>();
        let image = ColorImage::new([4, 3], pixels);
        let rect = Rect::from_min_max(Pos2::new(0.5, 0.5), Pos2::new(1.5, 1.5));
        let part = crop(&image, rect, 2.0).unwrap();
        assert_eq!(part.size, [2, 2]);
        let reds: Vec<u8> = part.pixels.iter().map(|c| c.r()).collect();
        assert_eq!(reds, [5, 6, 9, 10]);
        assert!(
            crop(
                &image,
                Rect::from_min_max(Pos2::new(5.0, 0.0), Pos2::new(6.0, 1.0)),
                1.0
            )
            .is_none()
        );
        let path =
            std::env::temp_dir().join(format!("dctwin-crop-{}/part.png", std::process::id()));
        write_png(&part, &path).unwrap();
        let back = image::open(&path).unwrap().to_rgba8();
        assert_eq!(back.dimensions(), (2, 2));
        assert_eq!(back.get_pixel(1, 1).0, [10, 0, 0, 255]);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
