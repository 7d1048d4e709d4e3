//! A zip archive of a run folder, for the page's download. Entries are stored
//! (uncompressed), so the writer is the format's headers and a CRC-32 and nothing
//! else: a run folder's CSV tables are small next to a classroom network, and a
//! compressor would be the largest dependency of the server for no gain in a
//! download that takes a moment either way. Dates are fixed (1980-01-01), names
//! sorted: the same folder gives the same bytes.

use std::path::Path;

/// CRC-32 (IEEE 802.3, reflected, as zip uses it) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The files under `dir` (recursively, names with `/`, sorted).
pub fn files(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        let ty = e.file_type()?;
        if ty.is_dir() {
            walk(&e.path(), &format!("{name}/"), out)?;
        } else if ty.is_file() {
            out.push((name, std::fs::read(e.path())?));
        }
    }
    Ok(())
}

/// A stored zip of `entries` (name, bytes), each name under `root/`.
pub fn archive(root: &str, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    const DOS_DATE: u16 = (1 << 5) | 1; // 1980-01-01
    let mut out = Vec::new();
    let mut central = Vec::new();
    let put16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let put32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for (name, data) in entries {
        let name = format!("{root}/{name}");
        let crc = crc32(data);
        let offset = out.len() as u32;
        let len = data.len() as u32;
        // Local file header.
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, 20); // version needed
        put16(&mut out, 0x0800); // flags: UTF-8 names
        put16(&mut out, 0); // stored
        put16(&mut out, 0); // time
        put16(&mut out, DOS_DATE);
        put32(&mut out, crc);
        put32(&mut out, len);
        put32(&mut out, len);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Central directory entry.
        put32(&mut central, 0x0201_4b50);
        put16(&mut central, 20); // made by
        put16(&mut central, 20);
        put16(&mut central, 0x0800);
        put16(&mut central, 0);
        put16(&mut central, 0);
        put16(&mut central, DOS_DATE);
        put32(&mut central, crc);
        put32(&mut central, len);
        put32(&mut central, len);
        put16(&mut central, name.len() as u16);
        put16(&mut central, 0); // extra
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, entries.len() as u16);
    put16(&mut out, entries.len() as u16);
    put32(&mut out, cd_len);
    put32(&mut out, cd_offset);
    put16(&mut out, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn an_archive_lists_its_entries_where_the_end_record_says() {
        let z = archive(
            "run",
            &[
                ("a.csv".into(), b"x,y\n".to_vec()),
                ("plots/b.svg".into(), vec![]),
            ],
        );
        assert!(z.starts_with(&[0x50, 0x4b, 3, 4]));
        let end = &z[z.len() - 22..];
        assert_eq!(&end[..4], &[0x50, 0x4b, 5, 6]);
        assert_eq!(u16::from_le_bytes([end[10], end[11]]), 2);
        let cd = u32::from_le_bytes([end[16], end[17], end[18], end[19]]) as usize;
        assert_eq!(&z[cd..cd + 4], &[0x50, 0x4b, 1, 2]);
        let text = String::from_utf8_lossy(&z);
        assert!(text.contains("run/a.csv") && text.contains("run/plots/b.svg"));
    }

    #[test]
    fn unzip_reads_it_where_installed() {
        let Ok(status) = std::process::Command::new("unzip").arg("-v").output() else {
            println!("skipped: unzip not found");
            return;
        };
        if !status.status.success() {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("t.zip");
        std::fs::write(&p, archive("r", &[("a.txt".into(), b"hello\n".to_vec())])).unwrap();
        let o = std::process::Command::new("unzip")
            .arg("-t")
            .arg(&p)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    }
}
