//! The gazetteer (`data/gazetteer/`): real organisations, attribution
//! templates and titles with the kind of speaker they name, read so that
//! training can show quotes with real-looking sources ("a spokesperson for
//! the Federal Communications Commission", "Toyota's general counsel").
//! Names are combined with quotes only in memory, at training time.
//!
//! A tenth of the organisation names and of the titles is held out (chosen
//! by a hash of the name, so the split never changes): training never sees
//! them, and [`Gazetteer::held_out_sources`] builds sources from them to
//! measure how well a model reads names it has not seen.

use crate::error::{Result, StanceError};
use crate::hash::sha256_bytes;
use rand::seq::SliceRandom;
use rand::Rng;
use std::path::{Path, PathBuf};

/// The organisations file.
pub const ORGANISATIONS_FILE: &str = "organisations.tsv";
/// The attribution templates file.
pub const ROLES_FILE: &str = "roles.tsv";
/// The titles file.
pub const TITLES_FILE: &str = "titles.tsv";

/// The two kinds of speaker, as the speaker labels name them.
pub const KINDS: [&str; 2] = ["government", "company"];

/// Entries of one kind, split into training and held-out parts.
#[derive(Debug, Clone, Default)]
struct Split {
    train: Vec<String>,
    held_out: Vec<String>,
}

impl Split {
    fn push(&mut self, entry: String) {
        if is_held_out(&entry) {
            self.held_out.push(entry);
        } else {
            self.train.push(entry);
        }
    }
}

/// Whether a name or title is in the held-out tenth.
pub fn is_held_out(name: &str) -> bool {
    let hex = sha256_bytes(name.to_lowercase().as_bytes());
    u8::from_str_radix(&hex[..2], 16).is_ok_and(|b| b % 10 == 0)
}

/// A source built from the gazetteer, with the kind it names.
#[derive(Debug, Clone, PartialEq)]
pub struct GazetteerSource {
    /// The source text, e.g. "a spokesperson for Statistics Canada".
    pub text: String,
    /// `government` or `company`.
    pub kind: &'static str,
}

/// The gazetteer, read and split.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    /// The folder it was read from.
    pub dir: PathBuf,
    /// sha256 of the three files, in order, concatenated.
    pub sha256: String,
    names: [Split; 2],
    titles: [Split; 2],
    templates: [Vec<String>; 2],
}

/// Strips a trailing bracketed country ("Ministry of Finance (Pakistan)")
/// that disambiguates generic names in the file.
fn display_name(name: &str) -> String {
    match name.rfind(" (") {
        Some(i) if name.ends_with(')') => name[..i].trim().to_string(),
        _ => name.trim().to_string(),
    }
}

fn kind_index(kind: &str) -> Option<usize> {
    KINDS.iter().position(|k| *k == kind)
}

/// Rows of a tab-separated file with their 1-based line numbers.
type Rows = Vec<(usize, Vec<String>)>;

/// Reads a tab-separated file whose header begins with `columns`; every row
/// must fill them. Returns the rows and the file's bytes (for the hash).
fn read_tsv(path: &Path, bytes: &[u8], columns: &[&str]) -> Result<Rows> {
    let text = std::str::from_utf8(bytes).map_err(|e| StanceError::Gazetteer {
        path: path.to_path_buf(),
        line: None,
        message: format!("not UTF-8: {e}"),
    })?;
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.split('\t').collect())
        .unwrap_or_default();
    if header.len() < columns.len() || header[..columns.len()] != *columns {
        return Err(StanceError::Gazetteer {
            path: path.to_path_buf(),
            line: Some(1),
            message: format!(
                "the header must begin with the columns {}",
                columns.join(", ")
            ),
        });
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(|f| f.trim().to_string()).collect();
        if fields.len() < columns.len() || fields[..columns.len()].iter().any(String::is_empty) {
            return Err(StanceError::Gazetteer {
                path: path.to_path_buf(),
                line: Some(i + 1),
                message: format!("expected {} non-empty columns", columns.len()),
            });
        }
        rows.push((i + 1, fields));
    }
    Ok(rows)
}

/// The gazetteer shipped with `stance` (`data/gazetteer/`), built into the
/// binary: organisations and titles (for reading sources) and templates.
const SHIPPED: [&[u8]; 3] = [
    include_bytes!("../data/gazetteer/organisations.tsv"),
    include_bytes!("../data/gazetteer/roles.tsv"),
    include_bytes!("../data/gazetteer/titles.tsv"),
];

impl Gazetteer {
    /// Reads the three files of a gazetteer folder; errors name the file
    /// and line.
    pub fn read(dir: &Path) -> Result<Gazetteer> {
        let mut files: [Vec<u8>; 3] = Default::default();
        for (file, name) in files
            .iter_mut()
            .zip([ORGANISATIONS_FILE, ROLES_FILE, TITLES_FILE])
        {
            let path = dir.join(name);
            *file = std::fs::read(&path).map_err(|e| StanceError::io(&path, e))?;
        }
        Gazetteer::parse(dir, [&files[0], &files[1], &files[2]])
    }

    /// The gazetteer built into the binary (the project's `data/gazetteer/`
    /// when it was built).
    pub fn shipped() -> Result<Gazetteer> {
        Gazetteer::parse(Path::new("data/gazetteer"), SHIPPED)
    }

    /// Parses the three files' bytes (organisations, roles, titles); `dir`
    /// names them in errors.
    fn parse(dir: &Path, files: [&[u8]; 3]) -> Result<Gazetteer> {
        let bad_kind = |path: &Path, line: usize, kind: &str| StanceError::Gazetteer {
            path: path.to_path_buf(),
            line: Some(line),
            message: format!("unknown kind \"{kind}\" (government or company)"),
        };
        let mut all = Vec::new();
        let mut names: [Split; 2] = Default::default();
        let path = dir.join(ORGANISATIONS_FILE);
        let rows = read_tsv(&path, files[0], &["name", "kind"])?;
        all.extend_from_slice(files[0]);
        for (line, row) in rows {
            let k = kind_index(&row[1]).ok_or_else(|| bad_kind(&path, line, &row[1]))?;
            names[k].push(display_name(&row[0]));
        }
        let mut templates: [Vec<String>; 2] = Default::default();
        let path = dir.join(ROLES_FILE);
        let rows = read_tsv(&path, files[1], &["kind", "template"])?;
        all.extend_from_slice(files[1]);
        for (line, row) in rows {
            let k = kind_index(&row[0]).ok_or_else(|| bad_kind(&path, line, &row[0]))?;
            if !row[1].contains("{org}") {
                return Err(StanceError::Gazetteer {
                    path: path.clone(),
                    line: Some(line),
                    message: format!("template \"{}\" has no {{org}}", row[1]),
                });
            }
            templates[k].push(row[1].clone());
        }
        let mut titles: [Split; 2] = Default::default();
        let path = dir.join(TITLES_FILE);
        let rows = read_tsv(&path, files[2], &["kind", "title"])?;
        all.extend_from_slice(files[2]);
        for (line, row) in rows {
            let k = kind_index(&row[0]).ok_or_else(|| bad_kind(&path, line, &row[0]))?;
            titles[k].push(row[1].clone());
        }
        for k in 0..2 {
            if names[k].train.is_empty() || templates[k].is_empty() {
                return Err(StanceError::Gazetteer {
                    path: dir.to_path_buf(),
                    line: None,
                    message: format!("the gazetteer has no {} names or templates", KINDS[k]),
                });
            }
        }
        Ok(Gazetteer {
            dir: dir.to_path_buf(),
            sha256: sha256_bytes(&all),
            names,
            titles,
            templates,
        })
    }

    /// The training part's organisation names of kind `k` (0 government,
    /// 1 company), as sources show them (no bracketed country).
    pub fn training_names(&self, k: usize) -> &[String] {
        &self.names[k].train
    }

    /// The training part's titles of kind `k` (0 government, 1 company).
    pub fn training_titles(&self, k: usize) -> &[String] {
        &self.titles[k].train
    }

    /// Organisation names of `kind` (training part, held-out part).
    pub fn name_counts(&self) -> [(usize, usize); 2] {
        [0, 1].map(|k| (self.names[k].train.len(), self.names[k].held_out.len()))
    }

    fn build(&self, k: usize, name: &str, rng: &mut impl Rng) -> String {
        let template = self.templates[k]
            .choose(rng)
            .map_or("{org}", String::as_str);
        template.replace("{org}", name)
    }

    /// A fresh training source naming a speaker of `kind` (`government` or
    /// `company`): most often a template filled with an organisation, one
    /// time in six a title alone. `None` for another kind.
    pub fn source(&self, kind: &str, rng: &mut impl Rng) -> Option<String> {
        let k = kind_index(kind)?;
        if rng.gen_bool(1.0 / 6.0) {
            if let Some(title) = self.titles[k].train.choose(rng) {
                return Some(title.clone());
            }
        }
        let name = self.names[k].train.choose(rng)?;
        Some(self.build(k, name, rng))
    }

    /// Every training-part name of kind `k` in `per_name` templates drawn
    /// with a fixed seed, and every training-part title `per_title` times:
    /// what the source reader ([`crate::cues::reader`]) learns from. The
    /// held-out tenth is never among them.
    pub fn training_sources(&self, k: usize, per_name: usize, per_title: usize) -> Vec<String> {
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(7 + k as u64);
        let mut out = Vec::new();
        for name in &self.names[k].train {
            for _ in 0..per_name {
                out.push(self.build(k, name, &mut rng));
            }
        }
        for title in &self.titles[k].train {
            out.extend(std::iter::repeat_n(title.clone(), per_title));
        }
        out
    }

    /// One source per held-out name and title, each name in a template
    /// drawn with a fixed seed: what a model that reads sources should
    /// attribute to the right kind though it never saw the name.
    pub fn held_out_sources(&self) -> Vec<GazetteerSource> {
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(2024);
        let mut out = Vec::new();
        for (k, kind) in KINDS.iter().enumerate() {
            for name in &self.names[k].held_out {
                let text = self.build(k, name, &mut rng);
                out.push(GazetteerSource { text, kind });
            }
            for title in &self.titles[k].held_out {
                out.push(GazetteerSource {
                    text: title.clone(),
                    kind,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_disambiguating_country() {
        assert_eq!(
            display_name("Ministry of Finance (Pakistan)"),
            "Ministry of Finance"
        );
        assert_eq!(display_name("Toyota"), "Toyota");
    }

    #[test]
    fn the_committed_gazetteer_reads_and_holds_out_a_tenth() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/gazetteer");
        let g = Gazetteer::read(&dir).unwrap();
        for (train, held) in g.name_counts() {
            let share = held as f64 / (train + held) as f64;
            assert!((0.07..0.13).contains(&share), "held out {share}");
        }
        let held = g.held_out_sources();
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(1);
        // Training and held-out parts are disjoint, and training never
        // draws a held-out title.
        for k in 0..2 {
            let train: std::collections::HashSet<&String> = g.names[k].train.iter().collect();
            assert!(g.names[k].held_out.iter().all(|n| !train.contains(n)));
        }
        let held_titles: std::collections::HashSet<&str> =
            g.titles[0].held_out.iter().map(String::as_str).collect();
        assert!(!held_titles.is_empty());
        for _ in 0..3000 {
            let s = g.source("government", &mut rng).unwrap();
            assert!(!held_titles.contains(s.as_str()), "drew held-out {s}");
        }
        assert!(held.iter().any(|s| s.kind == "company"));
        assert!(g.source("journalist", &mut rng).is_none());
    }

    #[test]
    fn a_bad_row_is_refused_with_its_file_and_line() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join(ROLES_FILE),
            "kind\ttemplate\ngovernment\t{org} officials\ncompany\t{org} spokesperson\n",
        )
        .unwrap();
        std::fs::write(
            tmp.path().join(TITLES_FILE),
            "kind\ttitle\ngovernment\tthe Taoiseach\n",
        )
        .unwrap();
        std::fs::write(
            tmp.path().join(ORGANISATIONS_FILE),
            "name\tkind\nAcme\tcompany\nBroken row\n",
        )
        .unwrap();
        let err = Gazetteer::read(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("organisations.tsv:3"), "{err}");
        std::fs::write(
            tmp.path().join(ORGANISATIONS_FILE),
            "name\tkind\nAcme\tcharity\n",
        )
        .unwrap();
        let err = Gazetteer::read(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("unknown kind \"charity\""), "{err}");
    }
}
