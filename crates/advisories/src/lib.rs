//! The advisory store: what is known to be vulnerable, offline. Importers read OSV (a JSON file,
//! a directory, an ecosystem's `all.zip`), the Debian Security Tracker's JSON and Alpine's secdb
//! into a SQLite file of its own in the data directory; an update builds a new file and replaces
//! the old one atomically, so a failed update leaves the old one working.

pub mod cvss;
