//! ## What it does
//! Flags a `RUN` that installs software from an MSI package (`msiexec`, or `Start-Process` on
//! a `.msi` file) without clearing the Windows Installer cache in the same step. The body is
//! read as text, since PowerShell and cmd are not POSIX shells.
//!
//! ## Why it matters
//! Windows Installer is built for machines that live for years, not for image layers. Besides
//! the installed files, it keeps a copy of every package it installs under
//! `C:\Windows\Installer`, plus its own database, logs and rollback data, so a layer built
//! with an MSI carries the installer a second time; deleting it in a later `RUN` only hides it.
//! Installs also run slowly, and some expect services or a user profile a container build does
//! not have. A zip or "portable" distribution unpacked with `Expand-Archive` writes only the
//! program's files.
//!
//! ## Example
//! ```dockerfile
//! FROM mcr.microsoft.com/windows/servercore:ltsc2022
//! SHELL ["powershell", "-Command"]
//! RUN Invoke-WebRequest https://example.com/tool-2.1.msi -OutFile tool.msi; \
//!     Start-Process msiexec -Wait -ArgumentList '/i', 'tool.msi', '/quiet'
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM mcr.microsoft.com/windows/servercore:ltsc2022
//! SHELL ["powershell", "-Command"]
//! RUN Invoke-WebRequest https://example.com/tool-2.1.zip -OutFile tool.zip; \
//!     Expand-Archive tool.zip -DestinationPath C:\tool; \
//!     Remove-Item tool.zip
//! ```
//! When only an MSI exists, remove the cached copy in the same `RUN`:
//! `Remove-Item C:\Windows\Installer\*.msi -Force`.

use drydock_dockerfile::{Args, Instruction, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD701",
    name: "msi-installer",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("msi_installer.rs"),
    check,
};

/// Ways a command line runs an MSI package it names.
const RUNNERS: &[&str] = &["start-process", "start /wait", "/quiet", "/qn", "/passive"];

fn check(cx: &Context, out: &mut Report) {
    for ins in cx.instructions() {
        if ins.kind != Kind::Run {
            continue;
        }
        let text = body(ins).to_ascii_lowercase();
        let names_msi = text
            .split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ',' | ';' | '(' | ')'))
            .any(|token| token.ends_with(".msi"));
        let installs =
            text.contains("msiexec") || (names_msi && RUNNERS.iter().any(|r| text.contains(r)));
        let clears_cache =
            text.contains("windows\\installer") || text.contains("windows/installer");
        if installs && !clears_cache {
            out.add(
                cx.head(ins),
                "this RUN installs an MSI package, and Windows Installer keeps a copy of it under C:\\Windows\\Installer in the layer: use a zip or portable build, or delete that cache in the same RUN",
            );
        }
    }
}

/// The RUN's command text as written: shell form, exec form words, and heredoc bodies.
fn body(ins: &Instruction) -> String {
    let mut text = match &ins.args {
        Args::Shell(arg) => arg.value.clone(),
        Args::Exec(args) => args
            .iter()
            .map(|a| a.value.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    for doc in &ins.heredocs {
        text.push('\n');
        text.push_str(&doc.content());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    const PS: &str = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\n";

    #[test]
    fn catches_msi_installs() {
        assert_eq!(
            catches(
                &RULE,
                &format!(
                    "{PS}RUN Start-Process msiexec -Wait -ArgumentList '/i', 'x.msi', '/qn'\n"
                )
            ),
            [3]
        );
        catches(
            &RULE,
            &format!(
                "{PS}RUN Start-Process -Wait -FilePath C:\\tmp\\node.msi -ArgumentList '/quiet'\n"
            ),
        );
        catches(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN msiexec /i C:\\x.msi /qn\n",
        );
        catches(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN [\"msiexec\", \"/i\", \"x.msi\", \"/qn\"]\n",
        );
    }

    #[test]
    fn does_not_catch_zips_downloads_or_cleaned_caches() {
        passes(
            &RULE,
            &format!("{PS}RUN Expand-Archive tool.zip -DestinationPath C:\\tool\n"),
        );
        passes(
            &RULE,
            &format!("{PS}RUN Invoke-WebRequest https://x/y.msi -OutFile y.msi\n"),
        );
        passes(
            &RULE,
            &format!("{PS}RUN Start-Process msiexec -Wait -ArgumentList '/i', 'x.msi', '/qn'; \\\n    Remove-Item C:\\windows\\installer\\*.msi -Force\n"),
        );
        passes(&RULE, "FROM alpine:3.20\nRUN echo msi\n");
    }
}
