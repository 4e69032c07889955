//! A streaming tar reader that keeps each member's raw header blocks, so a member can be copied
//! byte for byte or dropped, and gives the metadata the content digest needs.
//!
//! It reads what Docker's archives hold: ustar and GNU headers, PAX (`x`, `g`) and GNU long
//! name / long link (`L`, `K`) extension headers, octal or base-256 numbers. Types that carry no
//! data (links, devices, directories, fifos) have none whatever their size field says, as Go's
//! `archive/tar` (which wrote them) reads them.

use std::io::{self, Read};

pub(crate) const BLOCK: usize = 512;
/// An extension header (long name, PAX records) larger than this is damaged, not a real path.
const MAX_EXTENSION: u64 = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    HardLink,
    Symlink,
    Char,
    Block,
    Dir,
    Fifo,
    Other(u8),
}

impl Kind {
    fn of(flag: u8) -> Kind {
        match flag {
            b'0' | 0 | b'7' => Kind::File,
            b'1' => Kind::HardLink,
            b'2' => Kind::Symlink,
            b'3' => Kind::Char,
            b'4' => Kind::Block,
            b'5' => Kind::Dir,
            b'6' => Kind::Fifo,
            other => Kind::Other(other),
        }
    }

    fn has_data(self) -> bool {
        matches!(self, Kind::File | Kind::Other(_))
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Kind::File => b'0',
            Kind::HardLink => b'1',
            Kind::Symlink => b'2',
            Kind::Char => b'3',
            Kind::Block => b'4',
            Kind::Dir => b'5',
            Kind::Fifo => b'6',
            Kind::Other(c) => c,
        }
    }
}

/// One member's header: its raw blocks (extension headers and the header itself) and what they
/// say. Its content follows in the stream.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub raw: Vec<u8>,
    /// Normalised: no leading `./` or `/`, no trailing `/`; the root is empty.
    pub path: Vec<u8>,
    pub kind: Kind,
    pub mode: u64,
    pub uid: u64,
    pub gid: u64,
    /// Bytes of content that follow (0 for types that carry none).
    pub size: u64,
    /// Symlink target as written; hard link target normalised like `path`.
    pub link: Vec<u8>,
    pub dev: (u64, u64),
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TarError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("the archive is damaged: {0}")]
    Damaged(String),
}

pub(crate) struct TarReader<R> {
    input: R,
    /// Content bytes of the current member not read yet, then its padding.
    left: u64,
    padding: u64,
    done: bool,
}

impl<R: Read> TarReader<R> {
    pub(crate) fn new(input: R) -> Self {
        TarReader {
            input,
            left: 0,
            padding: 0,
            done: false,
        }
    }

    /// The next member's header, skipping what is left of the current one's content; `None` at
    /// the end of the archive.
    pub(crate) fn next_member(&mut self) -> Result<Option<Member>, TarError> {
        self.data(|_, _| Ok(()))?;
        if self.done {
            return Ok(None);
        }
        let mut raw = Vec::new();
        let mut long_name: Option<Vec<u8>> = None;
        let mut long_link: Option<Vec<u8>> = None;
        let mut pax: Vec<PaxRecord> = Vec::new();
        loop {
            let mut block = [0u8; BLOCK];
            if !read_full(&mut self.input, &mut block)? {
                // An archive cut at a member boundary: Go's writer always closes, so say so.
                if raw.is_empty() {
                    self.done = true;
                    return Err(TarError::Damaged("it ends without its end marker".into()));
                }
                return Err(TarError::Damaged("it ends inside a header".into()));
            }
            if block.iter().all(|&b| b == 0) {
                if !raw.is_empty() {
                    return Err(TarError::Damaged(
                        "an extension header has no member".into(),
                    ));
                }
                self.done = true;
                return Ok(None);
            }
            check_sum(&block)?;
            let flag = block[156];
            let size = number(&block[124..136])?;
            raw.extend_from_slice(&block);
            match flag {
                b'x' | b'g' | b'L' | b'K' => {
                    if size > MAX_EXTENSION {
                        return Err(TarError::Damaged(format!(
                            "an extension header claims {size} bytes"
                        )));
                    }
                    let mut data = vec![0u8; padded(size) as usize];
                    if !read_full(&mut self.input, &mut data)? {
                        return Err(TarError::Damaged("it ends inside a header".into()));
                    }
                    raw.extend_from_slice(&data);
                    data.truncate(size as usize);
                    match flag {
                        b'x' => pax.extend(pax_records(&data)?),
                        // Global records apply to what follows; Docker never writes them.
                        b'g' => {}
                        b'L' => long_name = Some(until_nul(&data).to_vec()),
                        _ => long_link = Some(until_nul(&data).to_vec()),
                    }
                }
                _ => {
                    let kind = Kind::of(flag);
                    let mut member = Member {
                        path: long_name.take().unwrap_or_else(|| header_path(&block)),
                        kind,
                        mode: number(&block[100..108])?,
                        uid: number(&block[108..116])?,
                        gid: number(&block[116..124])?,
                        size,
                        link: long_link
                            .take()
                            .unwrap_or_else(|| until_nul(&block[157..257]).to_vec()),
                        dev: (number(&block[329..337])?, number(&block[337..345])?),
                        raw: Vec::new(),
                    };
                    for (key, value) in pax {
                        let text = || String::from_utf8_lossy(&value).parse::<u64>().ok();
                        match key.as_slice() {
                            b"path" => member.path = value.clone(),
                            b"linkpath" => member.link = value.clone(),
                            b"size" => member.size = text().unwrap_or(member.size),
                            b"uid" => member.uid = text().unwrap_or(member.uid),
                            b"gid" => member.gid = text().unwrap_or(member.gid),
                            _ => {}
                        }
                    }
                    member.path = normalise(&member.path);
                    if kind == Kind::HardLink {
                        member.link = normalise(&member.link);
                    }
                    if !kind.has_data() {
                        member.size = 0;
                    }
                    member.raw = raw;
                    self.left = member.size;
                    self.padding = padded(member.size) - member.size;
                    return Ok(Some(member));
                }
            }
        }
    }

    /// The current member's content, chunk by chunk (`false`), then its padding as it is in the
    /// archive (`true`).
    pub(crate) fn data(
        &mut self,
        mut sink: impl FnMut(&[u8], bool) -> Result<(), TarError>,
    ) -> Result<(), TarError> {
        let mut buf = vec![0u8; 64 * 1024];
        while self.left > 0 {
            let want = buf
                .len()
                .min(usize::try_from(self.left).unwrap_or(usize::MAX));
            let n = self.input.read(&mut buf[..want])?;
            if n == 0 {
                return Err(TarError::Damaged("it ends inside a file's content".into()));
            }
            self.left -= n as u64;
            sink(&buf[..n], false)?;
        }
        if self.padding > 0 {
            let n = self.padding as usize;
            if !read_full(&mut self.input, &mut buf[..n])? {
                return Err(TarError::Damaged("it ends inside a file's padding".into()));
            }
            self.padding = 0;
            sink(&buf[..n], true)?;
        }
        Ok(())
    }

    /// The current member's content as a reader (a layer inside an image archive); what it
    /// leaves unread, and the padding, [`TarReader::next_member`] skips.
    pub(crate) fn content(&mut self) -> Content<'_, R> {
        Content { tar: self }
    }

    /// Reads the rest of the input (what follows the end marker).
    pub(crate) fn drain(&mut self) -> io::Result<()> {
        io::copy(&mut self.input, &mut io::sink()).map(|_| ())
    }
}

pub(crate) struct Content<'a, R> {
    tar: &'a mut TarReader<R>,
}

impl<R: Read> Read for Content<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.tar.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.tar.left).unwrap_or(usize::MAX));
        let n = self.tar.input.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.tar.left -= n as u64;
        Ok(n)
    }
}

pub(crate) fn padded(size: u64) -> u64 {
    size.div_ceil(BLOCK as u64) * BLOCK as u64
}

/// Fills `buf`; `false` when the input ends before the first byte, an error when it ends after.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> Result<bool, TarError> {
    let mut at = 0;
    while at < buf.len() {
        match input.read(&mut buf[at..]) {
            Ok(0) if at == 0 => return Ok(false),
            Ok(0) => return Err(TarError::Damaged("it ends inside a block".into())),
            Ok(n) => at += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(true)
}

fn check_sum(block: &[u8; BLOCK]) -> Result<(), TarError> {
    let stored = number(&block[148..156])?;
    let sum: u64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    if stored != sum {
        return Err(TarError::Damaged(
            "a header's checksum does not match".into(),
        ));
    }
    Ok(())
}

/// An octal field (spaces and NULs around it), or base-256 when its first bit is set.
fn number(field: &[u8]) -> Result<u64, TarError> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let mut value: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            value = value
                .checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(b)))
                .ok_or_else(|| TarError::Damaged("a number field overflows".into()))?;
        }
        return Ok(value);
    }
    let text = until_nul(field);
    let digits: Vec<u8> = text.iter().copied().filter(|b| *b != b' ').collect();
    if digits.is_empty() {
        return Ok(0);
    }
    let text = std::str::from_utf8(&digits)
        .map_err(|_| TarError::Damaged("a number field is not octal".into()))?;
    u64::from_str_radix(text, 8)
        .map_err(|_| TarError::Damaged(format!("a number field is not octal: {text:?}")))
}

fn until_nul(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..end]
}

fn header_path(block: &[u8; BLOCK]) -> Vec<u8> {
    let name = until_nul(&block[0..100]);
    // Only POSIX ustar has a prefix field; GNU keeps other data there.
    if &block[257..263] == b"ustar\0" {
        let prefix = until_nul(&block[345..500]);
        if !prefix.is_empty() {
            let mut path = prefix.to_vec();
            path.push(b'/');
            path.extend_from_slice(name);
            return path;
        }
    }
    name.to_vec()
}

/// A PAX record: key and value.
type PaxRecord = (Vec<u8>, Vec<u8>);

/// `"%d key=value\n"` records.
fn pax_records(mut data: &[u8]) -> Result<Vec<PaxRecord>, TarError> {
    let bad = || TarError::Damaged("a PAX header is malformed".into());
    let mut records = Vec::new();
    while !data.is_empty() {
        let space = data.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let len: usize = std::str::from_utf8(&data[..space])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(bad)?;
        if len <= space + 1 || len > data.len() || data[len - 1] != b'\n' {
            return Err(bad());
        }
        let record = &data[space + 1..len - 1];
        let eq = record.iter().position(|&b| b == b'=').ok_or_else(bad)?;
        records.push((record[..eq].to_vec(), record[eq + 1..].to_vec()));
        data = &data[len..];
    }
    Ok(records)
}

/// `./etc/x`, `/etc/x`, `etc/x/` all as `etc/x`; `./` and `/` as the empty root.
pub(crate) fn normalise(path: &[u8]) -> Vec<u8> {
    let mut p = path;
    loop {
        if let Some(rest) = p.strip_prefix(b"./") {
            p = rest;
        } else if let Some(rest) = p.strip_prefix(b"/") {
            p = rest;
        } else {
            break;
        }
    }
    while let Some(rest) = p.strip_suffix(b"/") {
        p = rest;
    }
    if p == b"." {
        p = b"";
    }
    p.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_tar::tar_of;

    fn archive(entries: &[(&str, u8, &[u8])]) -> Vec<u8> {
        let typed: Vec<(&str, tar::EntryType, &[u8])> = entries
            .iter()
            .map(|(path, flag, data)| (*path, tar::EntryType::new(*flag), *data))
            .collect();
        tar_of(&typed)
    }

    #[test]
    fn members_come_with_their_raw_blocks_content_and_padding() {
        let long = format!("dir/{}", "n".repeat(150));
        let bytes = archive(&[("./etc/x", b'0', b"hello"), (&long, b'0', b"")]);
        let mut reader = TarReader::new(bytes.as_slice());
        let first = reader.next_member().expect("read").expect("member");
        assert_eq!(first.path, b"etc/x");
        assert_eq!(first.size, 5);
        assert_eq!(first.mode, 0o644);
        let mut content = Vec::new();
        let mut padding = 0;
        reader
            .data(|chunk, pad| {
                if pad {
                    padding += chunk.len();
                } else {
                    content.extend_from_slice(chunk);
                }
                Ok(())
            })
            .expect("data");
        assert_eq!(content, b"hello");
        assert_eq!(padding, BLOCK - 5);
        let second = reader.next_member().expect("read").expect("member");
        assert_eq!(second.path, long.as_bytes());
        // The GNU long-name header and its data, then the header.
        assert_eq!(second.raw.len(), 3 * BLOCK);
        assert!(reader.next_member().expect("read").is_none());
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let mut bytes = archive(&[("a", b'0', b"hello")]);
        bytes[148] = b'7';
        assert!(TarReader::new(bytes.as_slice()).next_member().is_err());
        let bytes = archive(&[("a", b'0', b"hello")]);
        let mut reader = TarReader::new(&bytes[..BLOCK + 2]);
        reader.next_member().expect("header").expect("member");
        assert!(reader.next_member().is_err());
        assert!(TarReader::new(&[0u8; 3][..]).next_member().is_err());
    }

    #[test]
    fn pax_records_override_the_header() {
        let mut builder = tar::Builder::new(Vec::new());
        let long = format!("./{}/file", "d".repeat(200));
        builder
            .append_pax_extensions([
                ("path", long.as_bytes()),
                ("uid", b"70000".as_slice()),
                ("SCHILY.xattr.security.capability", b"\x01".as_slice()),
            ])
            .expect("pax");
        let mut header = tar::Header::new_ustar();
        header.set_path("short").expect("path");
        header.set_size(3);
        header.set_mode(0o600);
        header.set_cksum();
        builder.append(&header, &b"abc"[..]).expect("append");
        let bytes = builder.into_inner().expect("finish");
        let mut reader = TarReader::new(bytes.as_slice());
        let member = reader.next_member().expect("read").expect("member");
        assert_eq!(member.path, &long.as_bytes()[2..]);
        assert_eq!(member.uid, 70000);
        assert_eq!(member.mode, 0o600);
        // The PAX header, its records, then the header: all kept to be copied as they are.
        assert_eq!(member.raw.len(), 3 * BLOCK);
        assert!(reader.next_member().expect("read").is_none());
    }

    #[test]
    fn paths_normalise_to_one_form() {
        assert_eq!(normalise(b"./etc/x/"), b"etc/x");
        assert_eq!(normalise(b"/etc"), b"etc");
        assert_eq!(normalise(b"./"), b"");
        assert_eq!(normalise(b"."), b"");
    }
}
