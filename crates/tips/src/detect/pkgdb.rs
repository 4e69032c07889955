//! Just enough of dpkg's and apk's databases for the build-tools tip: which packages are
//! installed, and the files each build package owns. The databases are read as text from a
//! stranger's image: anything that does not parse is skipped, and time is linear in the text.

/// Whether a package, by its name, is only needed to build software: compilers, their
/// drivers and binutils, `build-essential`/`build-base`, the make tools, SDKs (Go, Rust, a
/// JDK) and every `-dev` package (headers and static libraries). The same names serve dpkg and
/// apk; `gcc-12-base` and the `lib*` runtimes the compilers need are not build packages.
pub(super) fn is_build_package(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "build-essential",
        "build-base",
        "gcc",
        "g++",
        "cpp",
        "c++",
        "clang",
        "gfortran",
        "make",
        "cmake",
        "autoconf",
        "automake",
        "libtool",
        "bison",
        "flex",
        "pkg-config",
        "pkgconf",
        "binutils",
        "fortify-headers",
        "go",
        "golang",
        "golang-go",
        "rust",
        "rustc",
        "cargo",
        "default-jdk",
        "default-jdk-headless",
    ];
    if EXACT.contains(&name) {
        return true;
    }
    if name.is_empty() || name.ends_with("-base") || name.ends_with("-doc") {
        return false;
    }
    if name.ends_with("-dev") {
        return true;
    }
    let versioned = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_digit())
    };
    versioned("gcc-")
        || versioned("g++-")
        || versioned("cpp-")
        || versioned("clang-")
        || versioned("gfortran-")
        || versioned("llvm-")
        || name.starts_with("binutils-")
        || name.starts_with("golang-")
        || (name.starts_with("openjdk")
            && (name.ends_with("-jdk") || name.ends_with("-jdk-headless")))
}

/// One package of dpkg's status database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DpkgPackage {
    pub name: String,
    /// Its status says `installed`.
    pub installed: bool,
    /// `Installed-Size`, KiB, as the package declares it.
    pub installed_kib: Option<u64>,
}

/// The stanzas of a dpkg status file (or one of distroless's `status.d` files).
pub(super) fn dpkg_status(text: &str) -> Vec<DpkgPackage> {
    let mut packages = Vec::new();
    let mut current: Option<DpkgPackage> = None;
    let mut finish = |current: &mut Option<DpkgPackage>| {
        if let Some(package) = current.take().filter(|p| !p.name.is_empty()) {
            packages.push(package);
        }
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            finish(&mut current);
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let package = current.get_or_insert_with(|| DpkgPackage {
            name: String::new(),
            // Distroless's status.d stanzas may omit Status: present means installed.
            installed: true,
            installed_kib: None,
        });
        if field.eq_ignore_ascii_case("Package") {
            package.name = value.to_string();
        } else if field.eq_ignore_ascii_case("Status") {
            package.installed = value.split_whitespace().last() == Some("installed");
        } else if field.eq_ignore_ascii_case("Installed-Size") {
            package.installed_kib = value.parse().ok();
        }
    }
    finish(&mut current);
    packages
}

/// The absolute paths a dpkg `.list` file names (directories included; `/.` left out).
pub(super) fn dpkg_list(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| line.starts_with('/') && *line != "/.")
}

/// One package of apk's installed database, with its files when it is a build package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ApkPackage {
    pub name: String,
    /// Rooted paths (`/usr/bin/gcc`); kept only for build packages.
    pub files: Vec<String>,
}

/// The packages of `/lib/apk/db/installed`: `P:` names one, `F:` a directory, `R:` a file in
/// the last directory, a blank line ends it.
pub(super) fn apk_installed(text: &str) -> Vec<ApkPackage> {
    let mut packages: Vec<ApkPackage> = Vec::new();
    let mut current: Option<ApkPackage> = None;
    let mut dir = String::new();
    let mut wanted = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            packages.extend(current.take());
            dir.clear();
            wanted = false;
            continue;
        }
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        match field {
            "P" => {
                packages.extend(current.take());
                wanted = is_build_package(value);
                dir.clear();
                current = Some(ApkPackage {
                    name: value.to_string(),
                    files: Vec::new(),
                });
            }
            "F" => {
                dir.clear();
                dir.push_str(value.trim_matches('/'));
            }
            "R" if wanted && !value.is_empty() && !value.contains('/') => {
                if let Some(package) = current.as_mut() {
                    let path = if dir.is_empty() {
                        format!("/{value}")
                    } else {
                        format!("/{dir}/{value}")
                    };
                    package.files.push(path);
                }
            }
            _ => {}
        }
    }
    packages.extend(current.take());
    packages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_packages_by_name() {
        for name in [
            "build-essential",
            "gcc",
            "gcc-12",
            "g++-12",
            "cpp-12",
            "libssl-dev",
            "libc6-dev",
            "linux-libc-dev",
            "binutils-x86-64-linux-gnu",
            "musl-dev",
            "build-base",
            "openjdk-17-jdk-headless",
            "openjdk17-jdk",
            "golang-1.19-go",
        ] {
            assert!(is_build_package(name), "{name}");
        }
        for name in [
            "gcc-12-base",
            "libgcc-s1",
            "libc6",
            "udev",
            "openjdk-17-jre-headless",
            "gccgo-doc",
            "makedev",
            "",
            "gcc-",
        ] {
            assert!(!is_build_package(name), "{name}");
        }
    }

    #[test]
    fn reads_dpkg_status() {
        let text = "Package: libc6\nStatus: install ok installed\nInstalled-Size: 12345\n\
                    Description: x\n more text\n\nPackage: gcc-12\nStatus: deinstall ok config-files\n\
                    Installed-Size: nonsense\n";
        let packages = dpkg_status(text);
        assert_eq!(packages.len(), 2);
        assert_eq!(packages[0].name, "libc6");
        assert!(packages[0].installed);
        assert_eq!(packages[0].installed_kib, Some(12345));
        assert!(!packages[1].installed);
        assert_eq!(packages[1].installed_kib, None);
    }

    #[test]
    fn reads_apk_installed() {
        let text = "C:Q1x\nP:musl\nV:1\nF:lib\nR:ld-musl-x86_64.so.1\n\n\
                    P:musl-dev\nV:1\nF:usr/include\nR:stdio.h\nF:usr/lib\nR:libc.a\nR:../evil\n\n";
        let packages = apk_installed(text);
        assert_eq!(packages.len(), 2);
        assert!(
            packages[0].files.is_empty(),
            "runtime packages keep no files"
        );
        assert_eq!(
            packages[1].files,
            vec!["/usr/include/stdio.h", "/usr/lib/libc.a"]
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut garbage = String::new();
        for i in 0..60_000u32 {
            garbage.push_str(&format!("P:{i}-dev\nR:\u{0}x\n:::\nF:\n\n\u{1b}Package\n"));
        }
        assert!(garbage.len() > 1_000_000);
        let _ = dpkg_status(&garbage);
        let _ = apk_installed(&garbage);
        let _ = dpkg_list(&garbage).count();
    }
}
