//! Just enough protobuf to read BuildKit's progress: the `StatusResponse` the engine sends, base64
//! encoded, in each `moby.buildkit.trace` message of a build's stream.
//!
//! The bytes come from outside (an engine, or anything that answers on its socket), so every read
//! is bounds-checked and a malformed message ends the read with `None` instead of a panic. Unknown
//! fields are skipped by wire type, so newer engines that add fields are still read.

/// One build step as BuildKit describes it (`moby.buildkit.v1.Vertex`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Vertex {
    pub digest: String,
    pub name: String,
    pub cached: bool,
    pub started: bool,
    pub completed: bool,
    pub error: String,
}

/// A step's output (`moby.buildkit.v1.VertexLog`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct VertexLog {
    pub vertex: String,
    pub msg: Vec<u8>,
}

/// The parts of `moby.buildkit.v1.StatusResponse` Drydock shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Status {
    pub vertexes: Vec<Vertex>,
    pub logs: Vec<VertexLog>,
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.buf.get(self.pos)?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(len)?;
        let bytes = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }

    /// The next field, `None` at the end; `Some(Err(()))` when the message is malformed.
    fn field(&mut self) -> Option<Result<(u64, Value<'a>), ()>> {
        if self.pos >= self.buf.len() {
            return None;
        }
        Some(self.read_field().ok_or(()))
    }

    fn read_field(&mut self) -> Option<(u64, Value<'a>)> {
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(self.varint()?).ok()?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            // Groups (3, 4) are long deprecated and BuildKit never sends them.
            _ => return None,
        };
        Some((key >> 3, value))
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads a `StatusResponse`; `None` when the bytes are not one.
pub(crate) fn status(bytes: &[u8]) -> Option<Status> {
    let mut status = Status::default();
    let mut reader = Reader::new(bytes);
    while let Some(field) = reader.field() {
        match field.ok()? {
            (1, Value::Bytes(b)) => status.vertexes.push(vertex(b)?),
            (3, Value::Bytes(b)) => status.logs.push(log(b)?),
            _ => {}
        }
    }
    Some(status)
}

fn vertex(bytes: &[u8]) -> Option<Vertex> {
    let mut vertex = Vertex::default();
    let mut reader = Reader::new(bytes);
    while let Some(field) = reader.field() {
        match field.ok()? {
            (1, Value::Bytes(b)) => vertex.digest = text(b),
            (3, Value::Bytes(b)) => vertex.name = text(b),
            (4, Value::Varint(v)) => vertex.cached = v != 0,
            (5, Value::Bytes(_)) => vertex.started = true,
            (6, Value::Bytes(_)) => vertex.completed = true,
            (7, Value::Bytes(b)) => vertex.error = text(b),
            _ => {}
        }
    }
    Some(vertex)
}

fn log(bytes: &[u8]) -> Option<VertexLog> {
    let mut log = VertexLog::default();
    let mut reader = Reader::new(bytes);
    while let Some(field) = reader.field() {
        match field.ok()? {
            (1, Value::Bytes(b)) => log.vertex = text(b),
            (4, Value::Bytes(b)) => log.msg = b.to_vec(),
            _ => {}
        }
    }
    Some(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    fn bytes_field(field: u64, data: &[u8], out: &mut Vec<u8>) {
        varint(field << 3 | 2, out);
        varint(data.len() as u64, out);
        out.extend_from_slice(data);
    }

    fn sample() -> Vec<u8> {
        let mut v = Vec::new();
        bytes_field(1, b"sha256:aa", &mut v);
        bytes_field(2, b"sha256:input", &mut v);
        bytes_field(3, b"[2/3] RUN echo hi", &mut v);
        varint(4 << 3, &mut v);
        varint(1, &mut v);
        bytes_field(5, &[8, 1], &mut v);
        // An unknown fixed64 field a newer engine might send.
        varint(9 << 3 | 1, &mut v);
        v.extend_from_slice(&[0; 8]);
        let mut log = Vec::new();
        bytes_field(1, b"sha256:aa", &mut log);
        varint(3 << 3, &mut log);
        varint(1, &mut log);
        bytes_field(4, b"hi\n", &mut log);
        let mut status = Vec::new();
        bytes_field(1, &v, &mut status);
        bytes_field(3, &log, &mut status);
        status
    }

    #[test]
    fn reads_vertexes_and_logs_and_skips_unknown_fields() {
        let status = status(&sample()).expect("a status");
        assert_eq!(
            status.vertexes,
            vec![Vertex {
                digest: "sha256:aa".into(),
                name: "[2/3] RUN echo hi".into(),
                cached: true,
                started: true,
                completed: false,
                error: String::new(),
            }]
        );
        assert_eq!(status.logs[0].msg, b"hi\n");
        assert_eq!(status.logs[0].vertex, "sha256:aa");
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let good = sample();
        // Every truncation of a valid message.
        for end in 0..good.len() {
            let _ = status(&good[..end]);
        }
        // A length far beyond the buffer, a varint that never ends, groups, all-ones.
        let huge = [
            0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert_eq!(status(&huge), None);
        assert_eq!(status(&[0x80; 20]), None);
        assert_eq!(status(&[0x0b, 0x0c]), None);
        assert_eq!(status(&[0xff; 64]), None);
        // Seeded random damage of a valid message.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut bytes = good.clone();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed as usize) % bytes.len();
                bytes[at] = (seed >> 32) as u8;
            }
            let _ = status(&bytes);
        }
    }

    #[test]
    fn a_length_that_overflows_usize_arithmetic_is_refused() {
        let mut v = vec![0x0a];
        varint(u64::MAX, &mut v);
        assert_eq!(status(&v), None);
    }
}
