//! RGB frames to an animated GIF with one fixed palette.
//!
//! A GIF holds at most 256 colours. Rather than quantise each frame (colours would
//! flicker from frame to frame, and the result would depend on the quantiser), every
//! frame is mapped onto one global palette built from the colours the frames are drawn
//! with: each chart colour blended with white in eight steps (plotters' anti-aliasing
//! and `mix` produce exactly such blends on a white background), plus a 5×5×5 colour
//! cube for anything else. Each pixel takes the nearest palette entry (lowest index on
//! ties), so the bytes depend only on the pixels.

use super::draw::REGIME_COLOURS;
use crate::plot::style;
use plotters::style::RGBColor;
use std::collections::HashMap;

/// The global palette, 256 RGB entries.
pub fn palette() -> Vec<[u8; 3]> {
    let mut bases: Vec<RGBColor> = vec![RGBColor(0, 0, 0), style::GREY];
    bases.extend(style::PALETTE);
    bases.extend(REGIME_COLOURS);
    let mut p: Vec<[u8; 3]> = vec![[255, 255, 255]];
    for c in &bases {
        for step in 1..=8u32 {
            let mix = |v: u8| ((v as u32 * step + 255 * (8 - step)) as f64 / 8.0).round() as u8;
            let e = [mix(c.0), mix(c.1), mix(c.2)];
            if !p.contains(&e) {
                p.push(e);
            }
        }
    }
    let levels = [0u8, 64, 128, 191, 255];
    for r in levels {
        for g in levels {
            for b in levels {
                if p.len() < 256 && !p.contains(&[r, g, b]) {
                    p.push([r, g, b]);
                }
            }
        }
    }
    p.resize(256, [0, 0, 0]);
    p
}

/// Maps RGB pixels to palette indices (nearest entry, memoised per colour).
pub struct Indexer {
    palette: Vec<[u8; 3]>,
    memo: HashMap<[u8; 3], u8>,
}

impl Indexer {
    pub fn new(palette: Vec<[u8; 3]>) -> Self {
        Indexer {
            palette,
            memo: HashMap::new(),
        }
    }

    /// The index of the palette entry nearest to `c`.
    pub fn index(&mut self, c: [u8; 3]) -> u8 {
        if let Some(&k) = self.memo.get(&c) {
            return k;
        }
        let d = |p: &[u8; 3]| -> i32 {
            (0..3)
                .map(|k| (p[k] as i32 - c[k] as i32).pow(2))
                .sum::<i32>()
        };
        let mut best = 0;
        for (k, p) in self.palette.iter().enumerate() {
            if d(p) < d(&self.palette[best]) {
                best = k;
            }
        }
        self.memo.insert(c, best as u8);
        best as u8
    }

    /// An RGB buffer (3 bytes a pixel) as palette indices.
    pub fn indices(&mut self, rgb: &[u8]) -> Vec<u8> {
        rgb.chunks_exact(3)
            .map(|p| self.index([p[0], p[1], p[2]]))
            .collect()
    }
}

/// Encodes frames of `size` (RGB, 3 bytes a pixel) as a looping GIF; `delays` in
/// hundredths of a second, one per frame.
pub fn gif(frames: &[Vec<u8>], size: (u32, u32), delays: &[u16]) -> Result<Vec<u8>, String> {
    let (w, h) = (size.0 as u16, size.1 as u16);
    let pal = palette();
    let flat: Vec<u8> = pal.iter().flatten().copied().collect();
    let mut idx = Indexer::new(pal);
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, w, h, &flat).map_err(|e| e.to_string())?;
        enc.set_repeat(gif::Repeat::Infinite)
            .map_err(|e| e.to_string())?;
        for (rgb, &delay) in frames.iter().zip(delays) {
            let mut frame = gif::Frame::from_indexed_pixels(w, h, idx.indices(rgb), None);
            frame.delay = delay;
            enc.write_frame(&frame).map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_holds_every_chart_colour_exactly() {
        let p = palette();
        assert_eq!(p.len(), 256);
        for c in style::PALETTE.iter().chain(&REGIME_COLOURS) {
            assert!(p.contains(&[c.0, c.1, c.2]), "{c:?}");
        }
        assert_eq!(p[0], [255, 255, 255]);
    }

    #[test]
    fn pixels_map_to_the_nearest_entry() {
        let mut ix = Indexer::new(palette());
        assert_eq!(ix.index([255, 255, 255]), 0);
        assert_eq!(ix.index([254, 255, 255]), 0);
        let blue = style::PALETTE[0];
        let k = ix.index([blue.0, blue.1, blue.2]) as usize;
        assert_eq!(palette()[k], [blue.0, blue.1, blue.2]);
    }

    #[test]
    fn a_gif_decodes_to_its_frames() {
        let size = (4, 2);
        let white = vec![255u8; 24];
        let mut black = white.clone();
        black[..3].copy_from_slice(&[0, 0, 0]);
        let bytes = gif(&[white, black], size, &[100, 300]).unwrap();
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut d = opts.read_info(bytes.as_slice()).unwrap();
        let mut delays = Vec::new();
        while let Some(f) = d.read_next_frame().unwrap() {
            delays.push(f.delay);
        }
        assert_eq!(delays, vec![100, 300]);
    }
}
