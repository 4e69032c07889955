//! A streaming tar reader: one pass over the input, nothing but the current header in memory.
//!
//! It reads the ustar, PAX and GNU forms that Go's `archive/tar` (Docker, containerd) and GNU tar
//! write. It is written here rather than taken from the `tar` crate because an image archive is
//! untrusted input: that crate reads PAX and GNU long-name records of whatever size a header
//! claims into memory, and gives data to header-only entries (links, directories) whose size field
//! is set, where Go's reader, which applies these layers on the engine, gives them none.

use crate::error::ReadProblem;
use std::io::{self, Read};

const BLOCK: usize = 512;
/// PAX records carry a path, a link target, numbers and xattrs: a mebibyte is far more than any.
const MAX_PAX: u64 = 1 << 20;
/// GNU long names and link targets, far beyond any system's PATH_MAX.
const MAX_LONG_NAME: u64 = 64 << 10;
const SKIP_BUFFER: usize = 64 << 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    HardLink,
    Symlink,
    Dir,
    /// Devices, fifos and types no layer should hold: they carry no file content.
    Other,
}

#[derive(Debug)]
pub(crate) struct Header {
    /// The raw name, as written (not normalised).
    pub path: Vec<u8>,
    /// Link target of a hard or symbolic link, as written.
    pub link: Vec<u8>,
    pub kind: Kind,
    /// Bytes of data that follow the header.
    pub size: u64,
}

pub(crate) struct TarReader<R> {
    inner: R,
    /// Data bytes of the current entry not read yet.
    left: u64,
    /// Padding after the current entry's data, up to the next block.
    pad: u64,
    /// Headers claiming more bytes than this are rejected before anything is read.
    max_size: u64,
    scratch: Vec<u8>,
}

/// Extended header values that apply to the next real entry.
#[derive(Default)]
struct Extensions {
    seen: bool,
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    size: Option<u64>,
}

impl<R: Read> TarReader<R> {
    pub(crate) fn new(inner: R, max_size: u64) -> TarReader<R> {
        TarReader {
            inner,
            left: 0,
            pad: 0,
            max_size,
            scratch: Vec::new(),
        }
    }

    /// The next entry's header, skipping whatever of the previous entry was not read; `None` at
    /// the end of the archive (a zero block, or the input's end between entries).
    pub(crate) fn next(&mut self) -> Result<Option<Header>, ReadProblem> {
        self.skip_rest()?;
        let mut ext = Extensions::default();
        loop {
            let mut block = [0u8; BLOCK];
            let got = read_full(&mut self.inner, &mut block)?;
            if got == 0 || block.iter().all(|b| *b == 0) {
                if ext.seen {
                    return Err(ReadProblem::Corrupt(
                        "an extended header is not followed by an entry".into(),
                    ));
                }
                return if got == 0 || got == BLOCK {
                    Ok(None)
                } else {
                    Err(ReadProblem::Truncated)
                };
            }
            if got < BLOCK {
                return Err(ReadProblem::Truncated);
            }
            check_sum(&block)?;
            let size = self.checked_size(parse_size(&block[124..136])?)?;
            match block[156] {
                b'x' => {
                    ext.seen = true;
                    let data = self.read_small(size, MAX_PAX, "a PAX header")?;
                    parse_pax(&data, &mut ext)?;
                    if let Some(size) = ext.size {
                        self.checked_size(size)?;
                    }
                }
                b'g' => {
                    // Global PAX headers carry nothing that changes what an entry is.
                    self.left = size;
                    self.pad = padding(size);
                    self.skip_rest()?;
                }
                b'L' => {
                    ext.seen = true;
                    let name = self.read_small(size, MAX_LONG_NAME, "a GNU long name")?;
                    ext.path.get_or_insert(trim_nuls(name));
                }
                b'K' => {
                    ext.seen = true;
                    let link = self.read_small(size, MAX_LONG_NAME, "a GNU long link name")?;
                    ext.link.get_or_insert(trim_nuls(link));
                }
                flag => {
                    let path = ext.path.take().unwrap_or_else(|| ustar_name(&block));
                    let link = ext
                        .link
                        .take()
                        .unwrap_or_else(|| cstr(&block[157..257]).to_vec());
                    let mut kind = kind_of(flag);
                    if kind == Kind::File && path.ends_with(b"/") {
                        // Pre-POSIX archives mark directories only by the trailing slash.
                        kind = Kind::Dir;
                    }
                    // As Go's reader: these types carry no data whatever the size field says.
                    let header_only = matches!(flag, b'1' | b'2' | b'3' | b'4' | b'5' | b'6');
                    let size = if header_only {
                        0
                    } else {
                        ext.size.unwrap_or(size)
                    };
                    self.left = size;
                    self.pad = padding(size);
                    return Ok(Some(Header {
                        path,
                        link,
                        kind,
                        size,
                    }));
                }
            }
        }
    }

    /// Reads the current entry's data.
    pub(crate) fn data(&mut self) -> Data<'_, R> {
        Data { tar: self }
    }

    fn checked_size(&self, size: u64) -> Result<u64, ReadProblem> {
        if size > self.max_size {
            return Err(ReadProblem::Corrupt(format!(
                "a header claims {size} bytes, more than any real entry (limit {})",
                self.max_size
            )));
        }
        Ok(size)
    }

    /// Reads an extension record of `size` bytes, refusing records over `limit`.
    fn read_small(&mut self, size: u64, limit: u64, what: &str) -> Result<Vec<u8>, ReadProblem> {
        if size > limit {
            return Err(ReadProblem::Corrupt(format!(
                "{what} of {size} bytes, over the limit of {limit}"
            )));
        }
        self.left = size;
        self.pad = padding(size);
        let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        self.data().read_to_end(&mut out)?;
        self.skip_rest()?;
        Ok(out)
    }

    fn skip_rest(&mut self) -> Result<(), ReadProblem> {
        let mut left = self.left + self.pad;
        self.left = 0;
        self.pad = 0;
        if left == 0 {
            return Ok(());
        }
        if self.scratch.is_empty() {
            self.scratch = vec![0; SKIP_BUFFER];
        }
        while left > 0 {
            let want = usize::try_from(left.min(SKIP_BUFFER as u64)).unwrap_or(SKIP_BUFFER);
            let got = self.inner.read(&mut self.scratch[..want])?;
            if got == 0 {
                return Err(ReadProblem::Truncated);
            }
            left -= got as u64;
        }
        Ok(())
    }
}

/// The current entry's data; reading past the input's end is an `UnexpectedEof` error.
pub(crate) struct Data<'a, R> {
    tar: &'a mut TarReader<R>,
}

impl<R: Read> Read for Data<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.tar.left;
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
        let got = self.tar.inner.read(&mut buf[..want])?;
        if got == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive ends inside an entry",
            ));
        }
        self.tar.left -= got as u64;
        Ok(got)
    }
}

/// Fills `buf` as far as the input allows; returns how much it read.
pub(crate) fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

fn kind_of(flag: u8) -> Kind {
    match flag {
        // GNU sparse entries store their data segments: counted as the bytes they hold.
        b'0' | 0 | b'7' | b'S' => Kind::File,
        b'1' => Kind::HardLink,
        b'2' => Kind::Symlink,
        b'5' => Kind::Dir,
        _ => Kind::Other,
    }
}

fn cstr(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    &field[..end]
}

fn trim_nuls(mut bytes: Vec<u8>) -> Vec<u8> {
    while bytes.last() == Some(&0) {
        bytes.pop();
    }
    bytes
}

/// The name, with the ustar prefix field in front when the header is POSIX ustar (GNU headers
/// use that space for other fields).
fn ustar_name(block: &[u8; BLOCK]) -> Vec<u8> {
    let name = cstr(&block[..100]);
    if &block[257..263] == b"ustar\0" {
        let prefix = cstr(&block[345..500]);
        if !prefix.is_empty() {
            let mut full = Vec::with_capacity(prefix.len() + 1 + name.len());
            full.extend_from_slice(prefix);
            full.push(b'/');
            full.extend_from_slice(name);
            return full;
        }
    }
    name.to_vec()
}

/// A numeric field: octal text, or GNU base-256 when the high bit of the first byte is set.
fn parse_size(field: &[u8]) -> Result<u64, ReadProblem> {
    let bad = || ReadProblem::Corrupt("a header's size field is not a number".into());
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        if field[0] & 0x40 != 0 {
            return Err(ReadProblem::Corrupt(
                "a header claims a negative size".into(),
            ));
        }
        let mut value: u64 = u64::from(field[0] & 0x3f);
        for b in &field[1..] {
            value = value
                .checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(*b)))
                .ok_or_else(|| ReadProblem::Corrupt("a header's size overflows".into()))?;
        }
        return Ok(value);
    }
    parse_octal(field).ok_or_else(bad)
}

fn parse_octal(field: &[u8]) -> Option<u64> {
    let text = cstr(field);
    let start = text.iter().position(|b| *b != b' ')?;
    let end = text.iter().rposition(|b| *b != b' ')? + 1;
    let mut value: u64 = 0;
    for b in &text[start..end] {
        if !(b'0'..=b'7').contains(b) {
            return None;
        }
        value = value.checked_mul(8)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(value)
}

/// Checks the header checksum (unsigned, or the signed sum some old tars wrote).
fn check_sum(block: &[u8; BLOCK]) -> Result<(), ReadProblem> {
    let stored = parse_octal(&block[148..156]).unwrap_or(u64::MAX);
    let (mut unsigned, mut signed) = (0u64, 0i64);
    for (i, b) in block.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { *b };
        unsigned += u64::from(b);
        signed += i64::from(b as i8);
    }
    if stored == unsigned || i64::try_from(stored).is_ok_and(|s| s == signed) {
        Ok(())
    } else {
        Err(ReadProblem::Corrupt(
            "a header's checksum does not match: this is not a tar archive, or it is damaged"
                .into(),
        ))
    }
}

/// PAX records: `LEN KEY=VALUE\n`, where LEN counts the whole record.
fn parse_pax(data: &[u8], ext: &mut Extensions) -> Result<(), ReadProblem> {
    let bad = || ReadProblem::Corrupt("a PAX header is malformed".into());
    let mut rest = data;
    while !rest.is_empty() {
        if rest.iter().all(|b| *b == 0) {
            break;
        }
        let space = rest.iter().position(|b| *b == b' ').ok_or_else(bad)?;
        let len: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(bad)?;
        if len <= space + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(bad());
        }
        let record = &rest[space + 1..len - 1];
        let eq = record.iter().position(|b| *b == b'=').ok_or_else(bad)?;
        let (key, value) = (&record[..eq], &record[eq + 1..]);
        match key {
            b"path" => ext.path = Some(value.to_vec()),
            b"linkpath" => ext.link = Some(value.to_vec()),
            b"size" => {
                let size = std::str::from_utf8(value)
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(bad)?;
                ext.size = Some(size);
            }
            _ => {}
        }
        rest = &rest[len..];
    }
    Ok(())
}
