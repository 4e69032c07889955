//! The host filesystem that holds a local engine's data root.

use crate::discovery::Os;
use drydock_inventory::HostDisk;
use std::path::Path;
use sysinfo::Disks;

/// The disk holding `data_root`, when the engine runs on this machine (its name is this host's
/// name; Docker Desktop, Colima and remote engines live elsewhere and report other names).
pub fn host_disk(data_root: &str, engine_name: &str) -> Option<HostDisk> {
    let here = sysinfo::System::host_name().ok()?;
    if data_root.is_empty() || !engine_name.eq_ignore_ascii_case(&here) {
        return None;
    }
    let root = Path::new(data_root);
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let disks = Disks::new_with_refreshed_list().ok()?;
    let mounts: Vec<String> = disks
        .iter()
        .map(|d| d.mount_point().display().to_string())
        .collect();
    let at = containing_mount(Os::current(), &root.display().to_string(), &mounts)?;
    let disk = &disks[at];
    Some(HostDisk {
        data_root: data_root.to_owned(),
        mount_point: mounts[at].clone(),
        total: disk.total_space(),
        free: disk.available_space(),
    })
}

/// Which of `mounts` holds `path`: the deepest one it lies under, whole components only
/// (`/var/lib/docker2` is not under `/var/lib/docker`). On Windows, paths compare without case,
/// with either separator, and without the `\\?\` prefix `canonicalize` adds there
/// (`\\?\C:\ProgramData\docker` lies under `C:\`).
pub(crate) fn containing_mount(os: Os, path: &str, mounts: &[String]) -> Option<usize> {
    let clean = |p: &str| -> String {
        let p = if os == Os::Windows {
            let p = p.replace('\\', "/");
            let p = p.strip_prefix("//?/").map(str::to_owned).unwrap_or(p);
            p.to_lowercase()
        } else {
            p.to_owned()
        };
        p.trim_end_matches('/').to_owned()
    };
    let path = clean(path);
    mounts
        .iter()
        .enumerate()
        .map(|(i, m)| (i, clean(m)))
        .filter(|(_, m)| {
            path == *m
                || path
                    .strip_prefix(m.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|(_, m)| m.len())
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mounts(list: &[&str]) -> Vec<String> {
        list.iter().map(|m| (*m).to_owned()).collect()
    }

    #[test]
    fn the_deepest_mount_holding_the_data_root_wins() {
        let linux = mounts(&["/", "/var", "/var/lib/docker2", "/home"]);
        assert_eq!(
            containing_mount(Os::Linux, "/var/lib/docker", &linux),
            Some(1)
        );
        assert_eq!(containing_mount(Os::Linux, "/srv/docker", &linux), Some(0));
        assert_eq!(containing_mount(Os::Linux, "/var", &linux), Some(1));
        assert_eq!(containing_mount(Os::Linux, "/x", &mounts(&["/var"])), None);
    }

    #[test]
    fn windows_paths_match_their_drive_as_canonicalize_writes_them() {
        let drives = mounts(&[r"C:\", r"D:\", r"D:\Docker"]);
        assert_eq!(
            containing_mount(Os::Windows, r"\\?\C:\ProgramData\docker", &drives),
            Some(0)
        );
        assert_eq!(
            containing_mount(Os::Windows, r"d:\docker\data", &drives),
            Some(2)
        );
        assert_eq!(
            containing_mount(Os::Windows, r"D:\Dockerfiles", &drives),
            Some(1)
        );
        assert_eq!(containing_mount(Os::Windows, r"E:\docker", &drives), None);
    }

    #[test]
    fn elsewhere_paths_compare_as_written() {
        let volumes = mounts(&["/", "/Volumes/Data"]);
        assert_eq!(
            containing_mount(Os::MacOs, "/Volumes/Data/docker", &volumes),
            Some(1)
        );
        assert_eq!(
            containing_mount(Os::MacOs, "/volumes/data/docker", &volumes),
            Some(0)
        );
    }
}
