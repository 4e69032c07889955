//! Where Drydock keeps its data on each system. The choice is pure ([`data_dir_for`] takes the
//! system and its environment as plain data), so the macOS and Windows places are tested on any
//! machine; [`data_dir`] feeds it this process's environment.

use std::ffi::OsString;
use std::path::PathBuf;

/// The application identifier: the app and the CLI keep their data in the same directory.
const IDENTIFIER: &str = "dev.drydock.desktop";

/// The system, as plain data (the same type the engine's discovery takes).
pub use drydock_layers::Os;

/// What decides the data directory.
#[derive(Debug, Clone, Default)]
pub struct DataEnv {
    /// `DRYDOCK_DATA_DIR`: wins everywhere when set and not empty.
    pub drydock_data_dir: Option<OsString>,
    pub home: Option<PathBuf>,
    /// `XDG_DATA_HOME` (Linux; ignored unless absolute, as the XDG spec says).
    pub xdg_data_home: Option<PathBuf>,
    /// The roaming application data folder (Windows' `%APPDATA%`).
    pub app_data: Option<PathBuf>,
}

impl DataEnv {
    /// Reads this process's environment.
    pub fn from_process() -> DataEnv {
        DataEnv {
            drydock_data_dir: std::env::var_os("DRYDOCK_DATA_DIR"),
            home: dirs::home_dir(),
            xdg_data_home: std::env::var_os("XDG_DATA_HOME").map(PathBuf::from),
            // The known folder, not the variable: what Tauri's app data directory uses too.
            app_data: if cfg!(windows) {
                dirs::data_dir()
            } else {
                None
            },
        }
    }
}

/// Drydock's data directory on `os`: `DRYDOCK_DATA_DIR` when set, else the system's data
/// directory (`~/.local/share` or `$XDG_DATA_HOME`, `~/Library/Application Support`, `%APPDATA%`)
/// under the app's identifier, where Tauri puts the app's data too. `None` when the system gives
/// no such directory (no home).
pub fn data_dir_for(os: Os, env: &DataEnv) -> Option<PathBuf> {
    if let Some(dir) = env.drydock_data_dir.as_ref().filter(|d| !d.is_empty()) {
        return Some(dir.into());
    }
    let base = match os {
        Os::Linux => env
            .xdg_data_home
            .clone()
            .filter(|d| d.is_absolute())
            .or_else(|| env.home.as_ref().map(|h| h.join(".local/share"))),
        Os::MacOs => env
            .home
            .as_ref()
            .map(|h| h.join("Library/Application Support")),
        Os::Windows => env.app_data.clone(),
    };
    base.map(|b| b.join(IDENTIFIER))
}

/// Drydock's data directory, shared by the app and the CLI (see [`data_dir_for`]).
pub fn data_dir() -> Option<PathBuf> {
    data_dir_for(Os::current(), &DataEnv::from_process())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(path: &str) -> DataEnv {
        DataEnv {
            home: Some(PathBuf::from(path)),
            ..DataEnv::default()
        }
    }

    #[test]
    fn each_system_keeps_data_in_its_own_place() {
        assert_eq!(
            data_dir_for(Os::Linux, &home("/home/ana")),
            Some(PathBuf::from("/home/ana/.local/share/dev.drydock.desktop"))
        );
        assert_eq!(
            data_dir_for(Os::MacOs, &home("/Users/ana")),
            Some(PathBuf::from(
                "/Users/ana/Library/Application Support/dev.drydock.desktop"
            ))
        );
        let windows = DataEnv {
            app_data: Some(PathBuf::from(r"C:\Users\ana\AppData\Roaming")),
            ..home(r"C:\Users\ana")
        };
        assert_eq!(
            data_dir_for(Os::Windows, &windows),
            Some(PathBuf::from(r"C:\Users\ana\AppData\Roaming").join("dev.drydock.desktop"))
        );
    }

    #[test]
    fn xdg_data_home_counts_on_linux_only_and_only_when_absolute() {
        let mut env = home("/home/ana");
        env.xdg_data_home = Some(PathBuf::from("/data/ana"));
        assert_eq!(
            data_dir_for(Os::Linux, &env),
            Some(PathBuf::from("/data/ana/dev.drydock.desktop"))
        );
        assert_eq!(
            data_dir_for(Os::MacOs, &env),
            Some(PathBuf::from(
                "/home/ana/Library/Application Support/dev.drydock.desktop"
            ))
        );
        env.xdg_data_home = Some(PathBuf::from("relative/data"));
        assert_eq!(
            data_dir_for(Os::Linux, &env),
            Some(PathBuf::from("/home/ana/.local/share/dev.drydock.desktop"))
        );
    }

    #[test]
    fn drydock_data_dir_wins_unless_empty() {
        let mut env = home("/home/ana");
        env.drydock_data_dir = Some("/srv/drydock".into());
        for os in [Os::Linux, Os::MacOs, Os::Windows] {
            assert_eq!(data_dir_for(os, &env), Some(PathBuf::from("/srv/drydock")));
        }
        env.drydock_data_dir = Some(OsString::new());
        assert_eq!(
            data_dir_for(Os::Linux, &env),
            Some(PathBuf::from("/home/ana/.local/share/dev.drydock.desktop"))
        );
    }

    #[test]
    fn no_home_and_no_app_data_is_no_directory() {
        for os in [Os::Linux, Os::MacOs, Os::Windows] {
            assert_eq!(data_dir_for(os, &DataEnv::default()), None);
        }
    }
}
