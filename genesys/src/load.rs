//! Reads an org export directory: the API's JSON responses saved as files,
//! paged listings as `NAME.json`, `NAME-2.json`, … (the layout the README's
//! export commands write):
//!
//! ```text
//! authorization/roles.json              GET /api/v2/authorization/roles
//! authorization/divisions.json          GET /api/v2/authorization/divisions
//! authorization/subjects/{id}.json      GET /api/v2/authorization/subjects/{id}   (one per user and client)
//! authorization/policies.json           GET /api/v2/authorization/policies       (optional)
//! users.json                            GET /api/v2/users
//! groups.json                           GET /api/v2/groups                       (optional)
//! groups/{id}/members.json              GET /api/v2/groups/{id}/members
//! routing/queues.json                   GET /api/v2/routing/queues               (optional)
//! routing/queues/{id}/members.json      GET /api/v2/routing/queues/{id}/members
//! oauth/clients.json                    GET /api/v2/oauth/clients                (optional)
//! recgate-overlay.json                  what Genesys does not hold               (optional)
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::model::{Export, Listing, QueueMember, User};

/// Why an export cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file (or directory).
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

fn error(path: &Path, message: impl Into<String>) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn parse<T: DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let text = fs::read_to_string(path).map_err(|e| error(path, e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| error(path, format!("not the API's JSON: {e}")))
}

/// The pages of a listing: `NAME.json` and every `NAME-SUFFIX.json`
/// (`roles-2.json`, `users-inactive-1.json`). Their order does not matter:
/// the import sorts what it builds.
fn pages(dir: &Path, name: &str) -> Result<Vec<PathBuf>, LoadError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| error(dir, e.to_string()))?;
        let file = entry.file_name();
        let Some(stem) = file.to_str().and_then(|f| f.strip_suffix(".json")) else {
            continue;
        };
        let page = stem == name
            || stem
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|suffix| !suffix.is_empty());
        if page && entry.path().is_file() {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

fn listing<T: DeserializeOwned>(
    dir: &Path,
    name: &str,
    required: bool,
) -> Result<Vec<T>, LoadError> {
    let files = pages(dir, name)?;
    if files.is_empty() && required {
        return Err(error(
            &dir.join(format!("{name}.json")),
            "missing (see the export layout in the README)",
        ));
    }
    let mut out = Vec::new();
    for f in files {
        let page: Listing<T> = parse(&f)?;
        out.extend(page.entities);
    }
    Ok(out)
}

/// Members listings under `dir/{id}/members*.json`, by id.
fn members<T: DeserializeOwned>(
    dir: &Path,
    id_of: impl Fn(&T) -> Option<String>,
) -> Result<BTreeMap<String, Vec<String>>, LoadError> {
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let entry = entry.map_err(|e| error(dir, e.to_string()))?;
        if !entry.path().is_dir() {
            continue;
        }
        let Some(id) = entry.file_name().to_str().map(String::from) else {
            continue;
        };
        let list: Vec<T> = listing(&entry.path(), "members", false)?;
        out.insert(id, list.iter().filter_map(&id_of).collect());
    }
    Ok(out)
}

/// Reads an export directory.
pub fn load(dir: &Path) -> Result<Export, LoadError> {
    if !dir.is_dir() {
        return Err(error(dir, "not a directory"));
    }
    let auth = dir.join("authorization");
    let mut subjects = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(auth.join("subjects")) {
        for entry in entries {
            let entry = entry.map_err(|e| error(&auth, e.to_string()))?;
            let path = entry.path();
            let Some(id) = path
                .file_name()
                .and_then(|f| f.to_str())
                .and_then(|f| f.strip_suffix(".json"))
                .map(String::from)
            else {
                continue;
            };
            subjects.insert(id, parse(&path)?);
        }
    }
    let overlay_path = dir.join("recgate-overlay.json");
    let overlay = if overlay_path.is_file() {
        parse(&overlay_path)?
    } else {
        Default::default()
    };
    Ok(Export {
        roles: listing(&auth, "roles", true)?,
        divisions: listing(&auth, "divisions", true)?,
        subjects,
        users: listing(dir, "users", true)?,
        groups: listing(dir, "groups", false)?,
        group_members: members(&dir.join("groups"), |u: &User| u.id.clone())?,
        queues: listing(&dir.join("routing"), "queues", false)?,
        queue_members: members(&dir.join("routing").join("queues"), |m: &QueueMember| {
            m.user
                .as_ref()
                .and_then(|u| u.id.clone())
                .or_else(|| m.id.clone())
        })?,
        clients: listing(&dir.join("oauth"), "clients", false)?,
        access_policies: listing(&auth, "policies", false)?,
        overlay,
    })
}
