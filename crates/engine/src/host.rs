//! The host filesystem that holds a local engine's data root.

use drydock_inventory::HostDisk;
use std::path::{Path, PathBuf};
use sysinfo::Disks;

/// The disk holding `data_root`, when the engine runs on this machine (its name is this host's
/// name; Docker Desktop, Colima and remote engines live elsewhere and report other names).
pub fn host_disk(data_root: &str, engine_name: &str) -> Option<HostDisk> {
    let here = sysinfo::System::host_name().ok()?;
    if data_root.is_empty() || !engine_name.eq_ignore_ascii_case(&here) {
        return None;
    }
    let root = Path::new(data_root);
    let root: PathBuf = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let disks = Disks::new_with_refreshed_list().ok()?;
    let disk = disks
        .iter()
        .filter(|d| root.starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().as_os_str().len())?;
    Some(HostDisk {
        data_root: data_root.to_owned(),
        mount_point: disk.mount_point().display().to_string(),
        total: disk.total_space(),
        free: disk.available_space(),
    })
}
