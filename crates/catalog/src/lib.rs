//! The catalog of an image: its OS and every package it holds, read from the image's files
//! (package databases, metadata files, build info in executables). Pure: files in, packages out;
//! nothing is executed and nothing is fetched. Every input is a stranger's file: no panic, clear
//! problems with the file they came from, time and memory linear in the input.

mod apk;
mod dpkg;
mod elf;
mod files;
mod golang;
mod java;
mod lang;
mod npm;
mod os;
mod python;
mod rpm;
mod rust;

pub use files::{File, FileSet, Want};
pub use os::debian_release;
pub use python::normalise as pypi_name;

use serde::{Deserialize, Serialize};

/// The distribution the image is built on, from `/etc/os-release` (and `debian_version`,
/// `alpine-release`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Os {
    /// `ID`: `debian`, `ubuntu`, `alpine`, `fedora`, `rhel`, `rocky`, `almalinux`, `amzn`, ...
    pub id: String,
    /// `VERSION_ID`: `12`, `3.17.2`, `2023`, ...
    pub version: String,
    /// `PRETTY_NAME`, for people.
    pub name: String,
}

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// The advisory data's name for where the package comes from: OSV's ecosystem names
    /// (`PyPI`, `npm`, `Go`, `crates.io`, `Maven`) and, for distro packages, the distro's own
    /// (`Debian:12`, `Alpine:v3.17`, `Red Hat:9`, ...).
    pub ecosystem: String,
    /// Distro packages: the source package the binary was built from (`Source:` in dpkg,
    /// `o:` in apk, the source RPM's name), which is what distro advisories name.
    pub source_name: Option<String>,
    /// The source package's version when it differs from the binary's (a binNMU).
    pub source_version: Option<String>,
    /// Package URL (`pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12`).
    pub purl: String,
    /// The file that declares the package, rooted (`/var/lib/dpkg/status`).
    pub path: String,
    /// The layer that last wrote that file (0 = the lowest).
    pub layer: usize,
}

/// What a catalog found, and what it could not read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub os: Option<Os>,
    pub packages: Vec<Package>,
    /// Files that could not be read as what they claim to be, each naming the file and why.
    pub problems: Vec<String>,
}

/// What the catalogers need of `path` (rooted): the image reader keeps only those files.
pub fn want(path: &str) -> Want {
    if os::want(path) || dpkg::want(path) || apk::want(path) || rpm::want(path) {
        return Want::Whole;
    }
    // Language packages: the first that wants the path says how.
    [
        python::want,
        npm::want,
        golang::want,
        rust::want,
        java::want,
    ]
    .iter()
    .map(|want| want(path))
    .find(|want| *want != Want::No)
    .unwrap_or(Want::No)
}

/// Reads the OS and the packages from `files`.
pub fn catalog(files: &FileSet) -> Catalog {
    let mut catalog = Catalog::default();
    // First: the distro packages' ecosystem and purls name the OS.
    os::read(files, &mut catalog);
    dpkg::read(files, &mut catalog);
    apk::read(files, &mut catalog);
    rpm::read(files, &mut catalog);
    python::read(files, &mut catalog);
    npm::read(files, &mut catalog);
    golang::read(files, &mut catalog);
    rust::read(files, &mut catalog);
    java::read(files, &mut catalog);
    catalog
}
