//! RPM packages: rpm's SQLite database (`rpmdb.sqlite`: Fedora, RHEL 9, Rocky, Alma, Amazon
//! Linux 2023), whose `Packages` table holds each package's header blob, parsed here. The older
//! BerkeleyDB and NDB databases are reported, not read.

use std::io::Write;

use rusqlite::{Connection, OpenFlags};

use crate::os::{distro_qualifier, ecosystem, purl};
use crate::{Catalog, FileSet, Os, Package};

const SQLITE: [&str; 2] = [
    "/var/lib/rpm/rpmdb.sqlite",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
];
/// BerkeleyDB (RHEL 8 and older, Amazon Linux 2) and NDB (SUSE): only their presence is used.
const UNREAD: [&str; 3] = [
    "/var/lib/rpm/Packages",
    "/var/lib/rpm/Packages.db",
    "/usr/lib/sysimage/rpm/Packages.db",
];

pub(crate) fn want(path: &str) -> bool {
    SQLITE.contains(&path) || UNREAD.contains(&path)
}

/// More rows than any real distribution installs; past it the database is not believed.
const MAX_ROWS: usize = 200_000;

pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    // Fedora keeps its database in /usr/lib/sysimage/rpm and links /var/lib/rpm to it: when
    // both are there, the one a later layer wrote is rpm's, the other a leftover.
    let newest = SQLITE
        .iter()
        .filter_map(|path| Some((*path, files.get(*path)?)))
        .rev()
        .max_by_key(|(_, file)| file.layer);
    let read_one = newest.is_some();
    if let Some((path, file)) = newest {
        let mut packages = Vec::new();
        let mut bad = Vec::new();
        let read = headers(&file.bytes, |hnum, blob| {
            match blob.and_then(Header::parse) {
                Ok(header) => {
                    packages.extend(package(&header, catalog.os.as_ref(), path, file.layer))
                }
                Err(why) => bad.push(format!("{path}: package header {hnum}: {why}")),
            }
        });
        catalog.packages.append(&mut packages);
        catalog.problems.append(&mut bad);
        match read {
            Ok(Rows::All) => {}
            Ok(Rows::Capped) => catalog.problems.push(format!(
                "{path}: more than {MAX_ROWS} packages; the rest were not read"
            )),
            Err(why) => catalog
                .problems
                .push(format!("{path}: not a readable rpm database: {why}")),
        }
    }
    if !read_one {
        for path in UNREAD.iter().filter(|p| files.contains_key(**p)) {
            catalog.problems.push(format!(
                "{path}: rpm BerkeleyDB databases are not read yet; this image's rpm packages \
                 are not in the catalog"
            ));
        }
    }
}

/// Whether every row of `Packages` was read.
enum Rows {
    All,
    Capped,
}

/// Hands each row of the `Packages` table to `each`: its `hnum` and its header blob (or why
/// it is not one), one at a time, so no more than the database's own copy is held.
fn headers(bytes: &[u8], mut each: impl FnMut(i64, Result<&[u8], String>)) -> Result<Rows, String> {
    // SQLite reads files only; the copy goes away with `file`.
    let mut file = tempfile::NamedTempFile::new().map_err(|e| format!("temporary file: {e}"))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| format!("temporary file: {e}"))?;
    // `immutable`: no locks, no journal or WAL looked for next to the copy.
    let uri = format!("file:{}?immutable=1", file.path().display());
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db = Connection::open_with_flags(&uri, flags).map_err(|e| e.to_string())?;
    // A stranger's schema runs no code of its own: `Packages` must be a plain table (not a
    // view whose query could run for ever), and functions in the schema are not trusted.
    db.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA,
        false,
    )
    .map_err(|e| e.to_string())?;
    let kind: Option<String> = db
        .query_row(
            "SELECT type FROM sqlite_master WHERE name = 'Packages'",
            [],
            |row| row.get(0),
        )
        .ok();
    if kind.as_deref() != Some("table") {
        return Err("no Packages table".to_string());
    }
    let mut query = db
        .prepare("SELECT hnum, blob FROM Packages")
        .map_err(|e| e.to_string())?;
    let mut rows = query.query([]).map_err(|e| e.to_string())?;
    let mut seen = 0usize;
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        if seen == MAX_ROWS {
            return Ok(Rows::Capped);
        }
        seen += 1;
        let hnum: i64 = row.get(0).unwrap_or(-1);
        let blob = row
            .get_ref(1)
            .and_then(|value| value.as_blob().map_err(Into::into))
            .map_err(|e| e.to_string());
        each(hnum, blob);
    }
    Ok(Rows::All)
}

const NAME: i32 = 1000;
const VERSION: i32 = 1001;
const RELEASE: i32 = 1002;
const EPOCH: i32 = 1003;
const ARCH: i32 = 1022;
const SOURCERPM: i32 = 1044;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// No real header has more entries than this (a big package has a few hundred tags).
const MAX_ENTRIES: usize = 1 << 16;

/// The tags read from one header.
#[derive(Debug, Default, PartialEq, Eq)]
struct Header {
    name: String,
    version: String,
    release: String,
    epoch: Option<u32>,
    arch: String,
    source_rpm: String,
}

impl Header {
    /// A header as rpm stores it in its database: entry count and data length (big-endian
    /// u32 each), the entries (tag, type, offset, count: 16 bytes), then the data store that
    /// every offset points into. Every offset and count is checked against the data store.
    fn parse(blob: &[u8]) -> Result<Header, String> {
        // The same header in a package file is preceded by a magic and 4 reserved bytes.
        let blob = match blob.strip_prefix(&[0x8e, 0xad, 0xe8, 0x01]) {
            Some(rest) => rest.get(4..).unwrap_or_default(),
            None => blob,
        };
        let entries = be_u32(blob, 0).ok_or("shorter than a header's 8-byte preamble")? as usize;
        let data_len = be_u32(blob, 4).ok_or("shorter than a header's 8-byte preamble")? as usize;
        if entries > MAX_ENTRIES {
            return Err(format!(
                "{entries} entries claimed, more than any real header"
            ));
        }
        let store_start = 8 + entries * 16;
        let store = store_start
            .checked_add(data_len)
            .and_then(|end| blob.get(store_start..end))
            .ok_or_else(|| {
                format!(
                    "{entries} entries and {data_len} bytes of data claimed, {} bytes present",
                    blob.len()
                )
            })?;
        let mut header = Header::default();
        for index in 0..entries {
            let at = 8 + index * 16;
            let (Some(tag), Some(kind), Some(offset), Some(count)) = (
                be_u32(blob, at),
                be_u32(blob, at + 4),
                be_u32(blob, at + 8),
                be_u32(blob, at + 12),
            ) else {
                return Err(format!("entry {index} is cut short"));
            };
            let Ok(tag) = i32::try_from(tag) else {
                continue;
            };
            let offset = offset as usize;
            let field = match tag {
                NAME => &mut header.name,
                VERSION => &mut header.version,
                RELEASE => &mut header.release,
                ARCH => &mut header.arch,
                SOURCERPM => &mut header.source_rpm,
                EPOCH => {
                    if kind != TYPE_INT32 || count < 1 {
                        return Err(format!("EPOCH has type {kind} and count {count}"));
                    }
                    let value = be_u32(store, offset)
                        .ok_or_else(|| format!("EPOCH's offset {offset} is past the data"))?;
                    header.epoch = Some(value);
                    continue;
                }
                _ => continue,
            };
            if !matches!(kind, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) || count < 1 {
                return Err(format!(
                    "tag {tag} has type {kind} and count {count}, not a string"
                ));
            }
            // The first string of an array is the one meant (I18N: the C locale's).
            *field = c_string(store, offset).ok_or_else(|| {
                format!("tag {tag}'s string at {offset} is past the data or unterminated")
            })?;
        }
        if header.name.is_empty() {
            return Err("no NAME".to_string());
        }
        if header.version.is_empty() {
            return Err(format!("{} has no VERSION", header.name));
        }
        Ok(header)
    }
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let four: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(four))
}

fn c_string(store: &[u8], offset: usize) -> Option<String> {
    let rest = store.get(offset..)?;
    let end = rest.iter().position(|b| *b == 0)?;
    Some(String::from_utf8_lossy(rest.get(..end)?).into_owned())
}

/// `openssl-3.0.7-24.el9.src.rpm` → (`openssl`, `3.0.7-24.el9`).
fn source_of(source_rpm: &str) -> Option<(&str, &str)> {
    let stem = source_rpm
        .strip_suffix(".src.rpm")
        .or_else(|| source_rpm.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = stem.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    let version_release = stem.get(name.len() + 1..)?;
    (!name.is_empty() && !version.is_empty() && !release.is_empty())
        .then_some((name, version_release))
}

fn package(header: &Header, os: Option<&Os>, path: &str, layer: usize) -> Option<Package> {
    // rpm's keys for imported signing keys, not software.
    if header.name == "gpg-pubkey" {
        return None;
    }
    let version_release = match header.release.as_str() {
        "" => header.version.clone(),
        release => format!("{}-{release}", header.version),
    };
    let version = match header.epoch {
        Some(epoch) => format!("{epoch}:{version_release}"),
        None => version_release.clone(),
    };
    let (source_name, source_version) = match source_of(&header.source_rpm) {
        Some((name, vr)) => (
            name.to_string(),
            (vr != version_release).then(|| vr.to_string()),
        ),
        None => (header.name.clone(), None),
    };
    let epoch = header.epoch.map(|e| e.to_string()).unwrap_or_default();
    let distro = distro_qualifier(os).unwrap_or_default();
    Some(Package {
        name: header.name.clone(),
        version,
        ecosystem: ecosystem(os, "Red Hat"),
        source_name: Some(source_name),
        source_version,
        purl: purl(
            "rpm",
            os.map_or("redhat", |os| os.id.as_str()),
            &header.name,
            &version_release,
            &[
                ("arch", &header.arch),
                ("epoch", &epoch),
                ("distro", &distro),
            ],
        ),
        path: path.to_string(),
        layer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::File;

    /// Builds a header blob as rpm writes it into its database.
    #[derive(Default)]
    struct Builder {
        entries: Vec<[u32; 4]>,
        store: Vec<u8>,
    }

    impl Builder {
        fn string(mut self, tag: i32, value: &str) -> Self {
            let offset = self.store.len() as u32;
            self.store.extend(value.as_bytes());
            self.store.push(0);
            self.entries.push([tag as u32, TYPE_STRING, offset, 1]);
            self
        }
        fn int32(mut self, tag: i32, value: u32) -> Self {
            while !self.store.len().is_multiple_of(4) {
                self.store.push(0);
            }
            let offset = self.store.len() as u32;
            self.store.extend(value.to_be_bytes());
            self.entries.push([tag as u32, TYPE_INT32, offset, 1]);
            self
        }
        fn raw(mut self, entry: [u32; 4]) -> Self {
            self.entries.push(entry);
            self
        }
        fn build(&self) -> Vec<u8> {
            let mut blob = Vec::new();
            blob.extend((self.entries.len() as u32).to_be_bytes());
            blob.extend((self.store.len() as u32).to_be_bytes());
            for entry in &self.entries {
                for word in entry {
                    blob.extend(word.to_be_bytes());
                }
            }
            blob.extend(&self.store);
            blob
        }
    }

    fn openssl() -> Builder {
        Builder::default()
            // The immutable region tag rpm puts first; not one of ours.
            .raw([63, 7, 0, 16])
            .string(NAME, "openssl-libs")
            .string(VERSION, "3.0.7")
            .string(RELEASE, "24.el9")
            .int32(EPOCH, 1)
            .string(ARCH, "x86_64")
            .string(SOURCERPM, "openssl-3.0.7-24.el9.src.rpm")
    }

    /// A real SQLite file with rpm's `Packages` table, as bytes.
    fn rpmdb(blobs: &[Vec<u8>]) -> Vec<u8> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rpmdb.sqlite");
        let db = Connection::open(&path).expect("open");
        db.execute_batch(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);\
             CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL);",
        )
        .expect("schema");
        for blob in blobs {
            db.execute("INSERT INTO Packages (blob) VALUES (?1)", [blob])
                .expect("insert");
        }
        drop(db);
        std::fs::read(&path).expect("read back")
    }

    fn rocky_9() -> Catalog {
        Catalog {
            os: Some(Os {
                id: "rocky".into(),
                version: "9.3".into(),
                name: "Rocky Linux 9.3 (Blue Onyx)".into(),
            }),
            ..Catalog::default()
        }
    }

    fn files(path: &str, bytes: Vec<u8>) -> FileSet {
        [(path.to_string(), File { layer: 3, bytes })]
            .into_iter()
            .collect()
    }

    #[test]
    fn wants_the_rpm_databases_only() {
        assert!(want("/var/lib/rpm/rpmdb.sqlite"));
        assert!(want("/usr/lib/sysimage/rpm/rpmdb.sqlite"));
        assert!(want("/var/lib/rpm/Packages"));
        assert!(!want("/var/lib/rpm/rpmdb.sqlite-shm"));
        assert!(!want("/var/lib/rpm/Name"));
    }

    #[test]
    fn parses_a_header() {
        let header = Header::parse(&openssl().build()).expect("parses");
        assert_eq!(
            header,
            Header {
                name: "openssl-libs".into(),
                version: "3.0.7".into(),
                release: "24.el9".into(),
                epoch: Some(1),
                arch: "x86_64".into(),
                source_rpm: "openssl-3.0.7-24.el9.src.rpm".into(),
            }
        );
    }

    #[test]
    fn packages_of_an_rpmdb_sqlite() {
        let bash = Builder::default()
            .string(NAME, "bash")
            .string(VERSION, "5.1.8")
            .string(RELEASE, "6.el9_1")
            .string(ARCH, "x86_64")
            .string(SOURCERPM, "bash-5.1.8-6.el9_1.src.rpm");
        let key = Builder::default()
            .string(NAME, "gpg-pubkey")
            .string(VERSION, "350d275d")
            .string(RELEASE, "6274f9d1");
        let bytes = rpmdb(&[openssl().build(), bash.build(), key.build()]);
        let mut catalog = rocky_9();
        read(&files(SQLITE[0], bytes), &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        assert_eq!(catalog.packages.len(), 2);
        let ssl = &catalog.packages[0];
        assert_eq!(ssl.name, "openssl-libs");
        assert_eq!(ssl.version, "1:3.0.7-24.el9");
        assert_eq!(ssl.source_name.as_deref(), Some("openssl"));
        assert_eq!(ssl.source_version, None);
        assert_eq!(ssl.ecosystem, "Rocky Linux:9");
        assert_eq!(
            ssl.purl,
            "pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&distro=rocky-9.3"
        );
        assert_eq!((ssl.path.as_str(), ssl.layer), (SQLITE[0], 3));
        assert_eq!(catalog.packages[1].version, "5.1.8-6.el9_1");
    }

    #[test]
    fn source_rpm_names() {
        assert_eq!(
            source_of("openssl-3.0.7-24.el9.src.rpm"),
            Some(("openssl", "3.0.7-24.el9"))
        );
        assert_eq!(
            source_of("python3.11-3.11.5-1.el9.src.rpm"),
            Some(("python3.11", "3.11.5-1.el9"))
        );
        assert_eq!(source_of("nodash.src.rpm"), None);
        assert_eq!(source_of("-1-2.src.rpm"), None);
        assert_eq!(source_of(""), None);
    }

    #[test]
    fn hostile_headers_are_errors_not_panics() {
        let good = openssl().build();
        // Every truncation of a good header.
        for end in 0..good.len() {
            let _ = Header::parse(&good[..end]);
        }
        assert!(Header::parse(&good[..good.len() - 1]).is_err());
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                vec![0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
                "more than any real header",
            ),
            (
                Builder::default()
                    .string(NAME, "x")
                    .raw([VERSION as u32, 6, u32::MAX, 1])
                    .build(),
                "past the data",
            ),
            (
                Builder::default().raw([NAME as u32, 6, 0, 1]).build(),
                "past the data",
            ),
            (
                Builder::default()
                    .string(NAME, "x")
                    .raw([EPOCH as u32, 4, 1 << 30, 1])
                    .build(),
                "past the data",
            ),
            (
                Builder::default()
                    .raw([NAME as u32, 4, 0, u32::MAX])
                    .build(),
                "not a string",
            ),
            (Builder::default().string(VERSION, "1").build(), "no NAME"),
        ];
        for (blob, want) in cases {
            let err = Header::parse(&blob).expect_err(want);
            assert!(err.contains(want), "{err} should say {want}");
        }
        // Unterminated string at the end of the store.
        let mut b = Builder::default().string(NAME, "abc");
        b.store.pop();
        assert!(Header::parse(&b.build()).is_err());
    }

    #[test]
    fn of_two_databases_the_one_a_later_layer_wrote_is_read() {
        let old = rpmdb(&[openssl().build()]);
        let bash = Builder::default()
            .string(NAME, "bash")
            .string(VERSION, "5.2.26")
            .string(RELEASE, "3.fc40");
        let new = rpmdb(&[bash.build()]);
        let mut files: FileSet = FileSet::new();
        files.insert(
            SQLITE[0].into(),
            File {
                layer: 0,
                bytes: old,
            },
        );
        files.insert(
            SQLITE[1].into(),
            File {
                layer: 2,
                bytes: new,
            },
        );
        let mut catalog = rocky_9();
        read(&files, &mut catalog);
        let got: Vec<(&str, &str)> = catalog
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.path.as_str()))
            .collect();
        assert_eq!(got, [("bash", SQLITE[1])]);
    }

    #[test]
    fn hostile_databases_give_problems_naming_the_file() {
        let bytes = rpmdb(&[vec![1, 2, 3], openssl().build()]);
        let mut catalog = rocky_9();
        read(&files(SQLITE[1], bytes.clone()), &mut catalog);
        assert_eq!(catalog.packages.len(), 1);
        assert_eq!(catalog.problems.len(), 1);
        assert!(
            catalog.problems[0].starts_with(SQLITE[1]),
            "{:?}",
            catalog.problems
        );

        for bytes in [
            b"not sqlite at all".to_vec(),
            Vec::new(),
            bytes[..bytes.len() / 2].to_vec(),
        ] {
            let mut catalog = rocky_9();
            read(&files(SQLITE[0], bytes), &mut catalog);
            assert!(catalog.packages.is_empty());
            assert!(
                catalog.problems.iter().any(|p| p.starts_with(SQLITE[0])),
                "{:?}",
                catalog.problems
            );
        }
    }

    #[test]
    fn a_row_whose_blob_is_text_is_a_problem_and_the_rest_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rpmdb.sqlite");
        let db = Connection::open(&path).expect("open");
        db.execute_batch("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL);")
            .expect("schema");
        db.execute("INSERT INTO Packages VALUES (7, 'not a blob')", [])
            .expect("insert");
        db.execute("INSERT INTO Packages VALUES (8, ?1)", [openssl().build()])
            .expect("insert");
        drop(db);
        let mut catalog = rocky_9();
        read(
            &files(SQLITE[0], std::fs::read(&path).expect("read")),
            &mut catalog,
        );
        assert_eq!(catalog.packages.len(), 1);
        assert_eq!(catalog.problems.len(), 1, "{:?}", catalog.problems);
        assert!(
            catalog.problems[0].starts_with("/var/lib/rpm/rpmdb.sqlite: package header 7: "),
            "{:?}",
            catalog.problems
        );
    }

    #[test]
    fn a_view_named_packages_is_not_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rpmdb.sqlite");
        let db = Connection::open(&path).expect("open");
        db.execute_batch("CREATE VIEW Packages AS SELECT 1 AS hnum, x'00' AS blob;")
            .expect("schema");
        drop(db);
        let mut catalog = rocky_9();
        read(
            &files(SQLITE[0], std::fs::read(&path).expect("read")),
            &mut catalog,
        );
        assert!(catalog.packages.is_empty());
        assert!(
            catalog.problems[0].contains("no Packages table"),
            "{:?}",
            catalog.problems
        );
    }

    #[test]
    fn berkeleydb_is_reported_not_read() {
        let mut catalog = rocky_9();
        read(&files("/var/lib/rpm/Packages", vec![0; 64]), &mut catalog);
        assert!(catalog.packages.is_empty());
        assert_eq!(
            catalog.problems,
            [
                "/var/lib/rpm/Packages: rpm BerkeleyDB databases are not read yet; this image's \
              rpm packages are not in the catalog"
            ]
        );
    }
}
