//! Just enough ELF to find a section's bytes by name (`.go.buildinfo`, `.dep-v0`): the header,
//! the section header table and the section-name string table, 32 or 64 bit, either byte
//! order. Every offset and size is a stranger's: each read is bounds-checked and a section that
//! lies past the end of the file (a truncated binary) is an error, never a panic.

use crate::Want;

pub(crate) const MAGIC: &[u8] = b"\x7fELF";

/// Which files may be executables carrying Go build info or cargo-auditable data: every file
/// whose name has no `.` (`/usr/local/bin/app`, `/app/server`, `/ko-app/x`, `/bin/kubectl`,
/// `node_modules/@esbuild/linux-x64/bin/esbuild`), except under directories that hold data,
/// not programs (`/usr/share`, `/usr/include`, `/etc`, `/var`, `/proc`, `/sys`, `/dev`, `/run`).
///
/// The trade-off: Go and Rust binaries land anywhere (`/app`, `/`, `/opt/x/bin`, a
/// `node_modules` package), so a list of directories would miss them, while the name rule costs
/// only a look at the first bytes of the many extensionless text files (`LICENSE`, scripts),
/// which the reader drops for want of ELF magic. What it keeps are the image's ELF executables,
/// C ones included, up to the reader's cap for such files. Missed on purpose: executables named
/// with a dot (`tool-1.2`, `python3.11`) and shared libraries (`*.so`, where Go `c-shared`
/// builds would be), which would mean keeping every library in the image.
pub(crate) fn want(path: &str) -> Want {
    const DATA: [&str; 8] = [
        "/usr/share/",
        "/usr/include/",
        "/etc/",
        "/var/",
        "/proc/",
        "/sys/",
        "/dev/",
        "/run/",
    ];
    let name = crate::lang::file_name(path);
    if name.is_empty() || name.contains('.') || DATA.iter().any(|dir| path.starts_with(dir)) {
        Want::No
    } else {
        Want::Binary
    }
}

pub(crate) fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

const SHT_NOBITS: u32 = 8;

#[derive(Clone, Copy)]
struct Reader<'a> {
    bytes: &'a [u8],
    big_endian: bool,
    wide: bool,
}

impl<'a> Reader<'a> {
    fn slice(&self, at: u64, len: u64) -> Option<&'a [u8]> {
        let start = usize::try_from(at).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.bytes.get(start..end)
    }

    fn u16(&self, at: u64) -> Option<u64> {
        let b: [u8; 2] = self.slice(at, 2)?.try_into().ok()?;
        Some(u64::from(if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }))
    }

    fn u32(&self, at: u64) -> Option<u64> {
        let b: [u8; 4] = self.slice(at, 4)?.try_into().ok()?;
        Some(u64::from(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }))
    }

    fn u64(&self, at: u64) -> Option<u64> {
        let b: [u8; 8] = self.slice(at, 8)?.try_into().ok()?;
        Some(if self.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }

    /// An address-sized field: 8 bytes in ELF64, 4 in ELF32.
    fn word(&self, at: u64) -> Option<u64> {
        if self.wide {
            self.u64(at)
        } else {
            self.u32(at)
        }
    }
}

struct SectionHeader {
    name: u64,
    kind: u64,
    offset: u64,
    size: u64,
    link: u64,
}

fn header(r: Reader<'_>, table: u64, entry_size: u64, index: u64) -> Option<SectionHeader> {
    let at = table.checked_add(index.checked_mul(entry_size)?)?;
    // sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link
    let (offset_at, size_at, link_at) = if r.wide { (24, 32, 40) } else { (16, 20, 24) };
    Some(SectionHeader {
        name: r.u32(at)?,
        kind: r.u32(at.checked_add(4)?)?,
        offset: r.word(at.checked_add(offset_at)?)?,
        size: r.word(at.checked_add(size_at)?)?,
        link: r.u32(at.checked_add(link_at)?)?,
    })
}

/// The bytes of the section called `name`: `Ok(None)` when the file has no such section (or no
/// section headers at all, as in a `sstrip`ped binary), `Err` when the ELF structure is broken
/// or the section lies past the end of `bytes`.
pub(crate) fn section<'a>(bytes: &'a [u8], name: &str) -> Result<Option<&'a [u8]>, String> {
    let (wide, big_endian) = match (bytes.get(4), bytes.get(5)) {
        (Some(1), Some(1)) => (false, false),
        (Some(1), Some(2)) => (false, true),
        (Some(2), Some(1)) => (true, false),
        (Some(2), Some(2)) => (true, true),
        _ => return Err("not a valid ELF header (class or byte order)".to_string()),
    };
    let r = Reader {
        bytes,
        big_endian,
        wide,
    };
    let broken = || "ELF header is truncated".to_string();
    let (shoff, shentsize, shnum, shstrndx) = if wide {
        (r.u64(0x28), r.u16(0x3a), r.u16(0x3c), r.u16(0x3e))
    } else {
        (r.u32(0x20), r.u16(0x2e), r.u16(0x30), r.u16(0x32))
    };
    let (shoff, shentsize, mut shnum, mut shstrndx) = (
        shoff.ok_or_else(broken)?,
        shentsize.ok_or_else(broken)?,
        shnum.ok_or_else(broken)?,
        shstrndx.ok_or_else(broken)?,
    );
    if shoff == 0 {
        return Ok(None);
    }
    let least = if wide { 64 } else { 40 };
    if shentsize < least {
        return Err(format!("ELF section header size {shentsize} is too small"));
    }
    let past_end = || "ELF section headers lie past the end of the file".to_string();
    // Many sections (or a large string-table index) move the real values into section 0.
    if shnum == 0 || shstrndx == 0xffff {
        let first = header(r, shoff, shentsize, 0).ok_or_else(past_end)?;
        if shnum == 0 {
            shnum = first.size;
        }
        if shstrndx == 0xffff {
            shstrndx = first.link;
        }
    }
    // Only as many headers as the file can hold: a lying count costs nothing.
    let room = (bytes.len() as u64).saturating_sub(shoff) / shentsize;
    if shnum > room {
        return Err(past_end());
    }
    if shstrndx >= shnum {
        return Err("ELF section-name table index is out of range".to_string());
    }
    let names = header(r, shoff, shentsize, shstrndx)
        .ok_or_else(|| "ELF section-name table index is out of range".to_string())?;
    let names = r
        .slice(names.offset, names.size)
        .ok_or_else(|| "ELF section-name table lies past the end of the file".to_string())?;
    for index in 0..shnum {
        let Some(h) = header(r, shoff, shentsize, index) else {
            return Err(past_end());
        };
        if !has_name(names, h.name, name) {
            continue;
        }
        if h.kind == u64::from(SHT_NOBITS) {
            return Ok(None);
        }
        return r.slice(h.offset, h.size).map(Some).ok_or_else(|| {
            format!(
                "ELF section {name} ({} bytes at {}) lies past the end of the file ({} bytes)",
                h.size,
                h.offset,
                bytes.len()
            )
        });
    }
    Ok(None)
}

fn has_name(table: &[u8], at: u64, name: &str) -> bool {
    let Some(rest) = usize::try_from(at).ok().and_then(|at| table.get(at..)) else {
        return false;
    };
    rest.strip_prefix(name.as_bytes())
        .is_some_and(|after| after.first() == Some(&0))
}

/// A minimal ELF64 little-endian file holding the given sections, for tests (here and in the
/// Go and Rust catalogers).
#[cfg(test)]
pub(crate) fn build(sections: &[(&str, &[u8])]) -> Vec<u8> {
    let mut names = vec![0u8];
    let mut name_at = Vec::new();
    for (name, _) in sections.iter().copied().chain([(".shstrtab", &[][..])]) {
        name_at.push(names.len() as u32);
        names.extend_from_slice(name.as_bytes());
        names.push(0);
    }
    let mut out = vec![0u8; 64];
    let mut placed = Vec::new();
    for (_, data) in sections.iter().copied().chain([(".shstrtab", &names[..])]) {
        while !out.len().is_multiple_of(16) {
            out.push(0);
        }
        placed.push((out.len() as u64, data.len() as u64));
        out.extend_from_slice(data);
    }
    while !out.len().is_multiple_of(8) {
        out.push(0);
    }
    let shoff = out.len() as u64;
    out.extend_from_slice(&[0u8; 64]); // the null section
    for (i, (offset, size)) in placed.iter().enumerate() {
        let mut h = [0u8; 64];
        h[0..4].copy_from_slice(&name_at[i].to_le_bytes());
        h[4..8].copy_from_slice(&1u32.to_le_bytes()); // SHT_PROGBITS
        h[24..32].copy_from_slice(&offset.to_le_bytes());
        h[32..40].copy_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&h);
    }
    let count = placed.len() as u16 + 1;
    out[0..4].copy_from_slice(MAGIC);
    out[4] = 2; // ELFCLASS64
    out[5] = 1; // little endian
    out[6] = 1;
    out[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
    out[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
    out[0x3c..0x3e].copy_from_slice(&count.to_le_bytes());
    out[0x3e..0x40].copy_from_slice(&(count - 1).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wants_extensionless_files_outside_data_directories() {
        for path in [
            "/usr/local/bin/app",
            "/app/server",
            "/ko-app/hello",
            "/bin/kubectl",
            "/app/node_modules/@esbuild/linux-x64/bin/esbuild",
        ] {
            assert_eq!(want(path), Want::Binary, "{path}");
        }
        for path in [
            "/usr/share/doc/openssl/copyright",
            "/etc/hostname",
            "/var/lib/dpkg/status",
            "/usr/lib/libssl.so.3",
            "/app/main.py",
            "/app/",
        ] {
            assert_eq!(want(path), Want::No, "{path}");
        }
    }

    #[test]
    fn finds_a_section_by_its_exact_name() {
        let elf = build(&[(".dep-v0x", b"no"), (".dep-v0", b"yes"), (".data", b"d")]);
        assert!(is_elf(&elf));
        assert_eq!(section(&elf, ".dep-v0"), Ok(Some(&b"yes"[..])));
        assert_eq!(section(&elf, ".data"), Ok(Some(&b"d"[..])));
        assert_eq!(section(&elf, ".go.buildinfo"), Ok(None));
    }

    #[test]
    fn every_truncation_and_bad_offset_is_an_error_or_none_never_a_panic() {
        let elf = build(&[(".dep-v0", &[7u8; 100])]);
        for len in 0..elf.len() {
            let _ = section(&elf[..len], ".dep-v0");
        }
        // The section table is at the end: cutting it off is an error.
        assert!(section(&elf[..elf.len() - 1], ".dep-v0").is_err());
        // A section whose offset points past the end.
        let mut bad = elf.clone();
        let shoff = u64::from_le_bytes(bad[0x28..0x30].try_into().unwrap_or_default()) as usize;
        bad[shoff + 64 + 24..shoff + 64 + 32].copy_from_slice(&u64::MAX.to_le_bytes());
        let err = section(&bad, ".dep-v0");
        assert!(
            err.as_ref().is_err_and(|e| e.contains("past the end")),
            "{err:?}"
        );
        // A header claiming a huge section count or a huge table offset.
        let mut many = elf.clone();
        many[0x3c..0x3e].copy_from_slice(&0xfffeu16.to_le_bytes());
        assert!(section(&many, ".dep-v0").is_err());
        let mut far = elf;
        far[0x28..0x30].copy_from_slice(&(u64::MAX - 10).to_le_bytes());
        assert!(section(&far, ".dep-v0").is_err());
        assert!(section(b"\x7fELF\x09\x01", ".x").is_err());
    }
}
