//! Which variables each instruction can see, following BuildKit's rules:
//! - ARGs before the first FROM are global: visible in FROM lines, and inside a stage only once
//!   the stage redeclares them (`ARG NAME` picks up the global value).
//! - Inside a stage an ARG is visible from its declaration to the end of the stage.
//! - ENV persists to the end of the stage, is inherited by stages built `FROM` it, and wins over
//!   an ARG of the same name.
//! - Values are expanded with the scope in effect before the instruction, so in
//!   `ENV a=1 b=$a` the `$a` is the old value.
//!
//! The scopes of a file share one table, so a file of many ARG and ENV lines costs memory in
//! proportion to its size rather than one copy of every variable per instruction. Each name
//! keeps where it is set; a scope is a place in the file, and a lookup finds the setting in
//! effect there by binary search:
//! - global ARGs by instruction index;
//! - stage ARGs by position, checking the one found is of the same stage;
//! - ENVs by position in the stages laid out depth first (each stage's instructions, then the
//!   stages built on it), where an ENV is seen from the next position to the end of its stage's
//!   subtree. Those ranges nest, so each name records where its ranges open and close, and
//!   the last mark before a position says which ENV is in effect: an opened one, or the one a
//!   closed one had shadowed.
//!
//! Expansion has a budget per file ([`expansion_budget`]): ENVs that each double the last
//! (`ENV A2=$A1$A1`, `ENV A3=$A2$A2`...) would otherwise need memory exponential in the
//! file. Every value the lexer copies out of a scope, here and in the rules, is taken from
//! the budget; past it a variable reads as unset, a value built from one is unknown (`None`,
//! like an ARG without a value), and [`Scope::expansion_cut`] says where that first happened.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::ast::{Args, Dockerfile, Kind};
use crate::shell::{Lexer, Variables};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VarSource {
    GlobalArg,
    Arg,
    Env,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Var {
    /// `None` for an ARG declared without a value and not given one, and for a value past the
    /// file's expansion budget (unknown). Shared, so a value seen from many places is not copied.
    pub value: Option<Arc<str>>,
    pub source: VarSource,
    /// Set from a value past the file's expansion budget: `value` is `None`, but the build
    /// would give it one.
    #[serde(default)]
    pub unknown: bool,
    /// The instruction that declared it, if in this file (inherited ENV points at the parent
    /// stage's instruction).
    pub declared_at: usize,
}

/// The variables in effect when one instruction runs. Cheap to clone: every scope of a file
/// looks into the same table.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    table: Arc<Table>,
    at: usize,
}

impl Scope {
    /// The variable `name` as this instruction sees it.
    pub fn get(&self, name: &str) -> Option<&Var> {
        let entry = self.table.entry(name)?;
        self.table.lookup(entry, self.at)
    }

    /// Whether `name` is declared here (an ARG without a value counts).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The first variable here whose name equals `name` ignoring ASCII case, in name order.
    pub fn get_ignore_ascii_case(&self, name: &str) -> Option<(&str, &Var)> {
        let table = &*self.table;
        table.same_but_case(name).iter().find_map(|&i| {
            let entry = table.names.get(i)?;
            Some((entry.name.as_str(), table.lookup(entry, self.at)?))
        })
    }

    /// The variables here whose name may be one edit from `name` (a char inserted, left out,
    /// replaced, or two neighbours swapped) or equals it ignoring ASCII case, in name order.
    /// Some may be further away: check each. Names over 64 chars are near only by case. For
    /// "did you mean" messages, without walking every variable of the file.
    pub fn vars_near(&self, name: &str) -> Vec<&str> {
        let table = &*self.table;
        let mut found: Vec<usize> = table.same_but_case(name).to_vec();
        let near = table.near();
        for hash in variants(name) {
            let from = near.partition_point(|(h, _)| *h < hash);
            found.extend(
                near.get(from..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|(h, _)| *h == hash)
                    .map(|(_, i)| *i),
            );
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .filter_map(|i| {
                let entry = table.names.get(i)?;
                table.lookup(entry, self.at)?;
                Some(entry.name.as_str())
            })
            .collect()
    }

    /// Every variable in effect, by name. This walks every name the file declares: for a
    /// rule that looks at one instruction, [`Scope::get`] is the way.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &Var)> {
        let table = &*self.table;
        table
            .names
            .iter()
            .filter_map(move |entry| Some((entry.name.as_str(), table.lookup(entry, self.at)?)))
    }

    /// The variables that have a value, ready for [`crate::expand_word`] (walks every name the
    /// file declares, see [`Scope::vars`]).
    pub fn env(&self) -> BTreeMap<String, String> {
        self.vars()
            .filter_map(|(k, v)| Some((k.to_string(), v.value.as_deref()?.to_string())))
            .collect()
    }

    /// Where expansion first went past the file's budget, so far: the instruction index and
    /// the budget in bytes. Every scope of a file shares the budget, so any of them answers
    /// for the file; ask after the expansions (rules expand too).
    pub fn expansion_cut(&self) -> Option<(usize, usize)> {
        let at = self.table.budget.first_over.load(Ordering::Relaxed);
        (at != usize::MAX).then_some((at, self.table.budget.limit))
    }
}

impl Variables for Scope {
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name)?.value.as_deref()
    }

    fn spend(&self, bytes: usize) -> bool {
        self.table.budget.spend(bytes, self.at)
    }

    fn unknown(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v.unknown)
    }
}

/// The bytes of variable values the expansions of a file of `source_len` bytes may copy:
/// linear in the file, and roomy enough that no real Dockerfile comes near it.
pub fn expansion_budget(source_len: usize) -> usize {
    source_len.saturating_mul(64).max(16 << 20)
}

/// What is left of a file's expansion budget, and the first instruction that asked for more.
#[derive(Debug)]
struct Budget {
    limit: usize,
    left: AtomicUsize,
    first_over: AtomicUsize,
}

impl Budget {
    fn new(limit: usize) -> Budget {
        Budget {
            limit,
            left: AtomicUsize::new(limit),
            first_over: AtomicUsize::new(usize::MAX),
        }
    }

    /// Takes `bytes` for instruction `at`; takes nothing and returns false when fewer are left.
    fn spend(&self, bytes: usize, at: usize) -> bool {
        let taken = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            })
            .is_ok();
        if !taken {
            // The first time, not the lowest index: once the budget is spent every later
            // lookup fails, wherever it is.
            let _ = self.first_over.compare_exchange(
                usize::MAX,
                at,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
        taken
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(expansion_budget(0))
    }
}

/// One scope per instruction (the state before it runs). `build_args` are the
/// `--build-arg` values (include platform args like `TARGETARCH` there if you know them); as in
/// BuildKit they only apply to ARGs the file declares. The expansion budget is reckoned from
/// the instructions' text; with the source at hand, [`scopes_within`] is exact.
pub fn scopes(dockerfile: &Dockerfile, build_args: &BTreeMap<String, String>) -> Vec<Scope> {
    let size = dockerfile
        .instructions
        .iter()
        .map(|ins| {
            ins.original.len() + ins.heredocs.iter().map(|h| h.body.len()).sum::<usize>() + 1
        })
        .sum();
    scopes_within(dockerfile, build_args, expansion_budget(size))
}

/// [`scopes`], with expansions copying at most `budget` bytes of variable values for the whole
/// file (see [`expansion_budget`]).
pub fn scopes_within(
    dockerfile: &Dockerfile,
    build_args: &BTreeMap<String, String>,
    budget: usize,
) -> Vec<Scope> {
    let table = Arc::new(Builder::new(dockerfile, build_args, budget).build());
    (0..dockerfile.instructions.len())
        .map(|at| Scope {
            table: Arc::clone(&table),
            at,
        })
        .collect()
}

/// Where an instruction sits, for lookups.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// Before the first FROM, or a FROM itself: global ARGs declared before it.
    Global,
    /// Inside a stage, at a position of the depth-first layout.
    Stage { stage: usize, pos: usize },
}

/// An ENV's range opening (it is seen from `pos` on) or closing (not seen from `pos` on).
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: usize,
    env: usize,
    open: bool,
}

/// Everything set under one name.
#[derive(Debug, Default)]
struct Name {
    name: String,
    /// Global ARGs, in file order.
    globals: Vec<Var>,
    /// Stage ARGs: (position, stage, var), in position order.
    args: Vec<(usize, usize, Var)>,
    /// ENVs, each with the ENV of this name it shadows.
    envs: Vec<(Var, Option<usize>)>,
    /// Where the ENVs' ranges open and close, in position order.
    marks: Vec<Mark>,
    /// While building: the ENVs whose range is open, innermost last.
    open: Vec<usize>,
}

impl Name {
    fn global_before(&self, at: usize) -> Option<&Var> {
        let n = self.globals.partition_point(|v| v.declared_at < at);
        n.checked_sub(1).and_then(|i| self.globals.get(i))
    }

    fn in_stage(&self, stage: usize, pos: usize) -> Option<&Var> {
        let n = self.marks.partition_point(|m| m.pos <= pos);
        let env = match n.checked_sub(1).and_then(|i| self.marks.get(i)) {
            Some(mark) if mark.open => Some(mark.env),
            Some(mark) => self.envs.get(mark.env).and_then(|(_, shadowed)| *shadowed),
            None => None,
        };
        if let Some((var, _)) = env.and_then(|e| self.envs.get(e)) {
            return Some(var);
        }
        let n = self.args.partition_point(|(at, _, _)| *at < pos);
        match n.checked_sub(1).and_then(|i| self.args.get(i)) {
            Some((_, s, var)) if *s == stage => Some(var),
            _ => None,
        }
    }
}

#[derive(Debug, Default)]
struct Table {
    places: Vec<Place>,
    budget: Budget,
    /// Sorted by name.
    names: Vec<Name>,
    /// Indexes into `names` sorted by lowercased name, then name (made on first use).
    folded: OnceLock<Vec<usize>>,
    /// For names of at most 64 chars, the hash of the name and of each way to leave one char
    /// out, with the name's index, sorted (made on first use): two names one edit apart share
    /// one of these.
    near: OnceLock<Vec<(u64, usize)>>,
}

impl Table {
    fn entry(&self, name: &str) -> Option<&Name> {
        let i = self
            .names
            .binary_search_by(|n| n.name.as_str().cmp(name))
            .ok()?;
        self.names.get(i)
    }

    fn lookup<'t>(&'t self, entry: &'t Name, at: usize) -> Option<&'t Var> {
        match self.places.get(at)? {
            Place::Global => entry.global_before(at),
            Place::Stage { stage, pos } => entry.in_stage(*stage, *pos),
        }
    }

    /// The indexes of the names equal to `name` ignoring ASCII case, in name order.
    fn same_but_case(&self, name: &str) -> &[usize] {
        let folded = self.folded();
        let lower = |i: &usize| {
            self.names
                .get(*i)
                .map_or(String::new(), |n| n.name.to_ascii_lowercase())
        };
        let wanted = name.to_ascii_lowercase();
        let from = folded.partition_point(|i| lower(i) < wanted);
        let to = from
            + folded
                .get(from..)
                .unwrap_or(&[])
                .partition_point(|i| lower(i) == wanted);
        folded.get(from..to).unwrap_or(&[])
    }

    fn near(&self) -> &[(u64, usize)] {
        self.near.get_or_init(|| {
            let mut near: Vec<(u64, usize)> = self
                .names
                .iter()
                .enumerate()
                .flat_map(|(i, n)| variants(&n.name).into_iter().map(move |h| (h, i)))
                .collect();
            near.sort_unstable();
            near
        })
    }

    fn folded(&self) -> &[usize] {
        self.folded.get_or_init(|| {
            let mut order: Vec<(String, usize)> = self
                .names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.name.to_ascii_lowercase(), i))
                .collect();
            // `names` is sorted, so equal folded names stay in name order.
            order.sort_by(|a, b| a.0.cmp(&b.0));
            order.into_iter().map(|(_, i)| i).collect()
        })
    }
}

/// The hashes of `name` and of `name` with each one char left out; none past 64 chars.
fn variants(name: &str) -> Vec<u64> {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() > 64 {
        return Vec::new();
    }
    let hash = |skip: Option<usize>| {
        let mut hasher = DefaultHasher::new();
        for (i, c) in chars.iter().enumerate() {
            if Some(i) != skip {
                c.hash(&mut hasher);
            }
        }
        hasher.finish()
    };
    std::iter::once(hash(None))
        .chain((0..chars.len()).map(|i| hash(Some(i))))
        .collect()
}

/// What a declaration sets a variable to.
enum Setting {
    Value(Arc<str>),
    /// An ARG without a value.
    None,
    /// Built from a value past the budget.
    Unknown,
}

impl Setting {
    fn of(var: &Var) -> Setting {
        match &var.value {
            Some(value) => Setting::Value(Arc::clone(value)),
            None if var.unknown => Setting::Unknown,
            None => Setting::None,
        }
    }

    fn known(self) -> Option<Arc<str>> {
        match self {
            Setting::Value(value) => Some(value),
            Setting::None | Setting::Unknown => None,
        }
    }

    fn var(self, source: VarSource, declared_at: usize) -> Var {
        Var {
            unknown: matches!(self, Setting::Unknown),
            value: self.known(),
            source,
            declared_at,
        }
    }
}

/// A stage as scopes see it: its instructions and the earlier stage it builds on.
struct StageSpan {
    from: usize,
    end: usize,
    parent: Option<usize>,
}

struct Builder<'a> {
    dockerfile: &'a Dockerfile,
    build_args: &'a BTreeMap<String, String>,
    budget: Budget,
    places: Vec<Place>,
    names: Vec<Name>,
    ids: HashMap<String, usize>,
}

/// The variables of a place while the table is being built.
struct Partial<'b> {
    names: &'b [Name],
    ids: &'b HashMap<String, usize>,
    budget: &'b Budget,
    place: Place,
    at: usize,
}

impl Partial<'_> {
    fn get(&self, name: &str) -> Option<&Var> {
        let entry = self.names.get(*self.ids.get(name)?)?;
        match self.place {
            Place::Global => entry.global_before(self.at),
            Place::Stage { stage, pos } => entry.in_stage(stage, pos),
        }
    }
}

impl Variables for Partial<'_> {
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name)?.value.as_deref()
    }

    fn spend(&self, bytes: usize) -> bool {
        self.budget.spend(bytes, self.at)
    }

    fn unknown(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v.unknown)
    }
}

impl<'a> Builder<'a> {
    fn new(
        dockerfile: &'a Dockerfile,
        build_args: &'a BTreeMap<String, String>,
        budget: usize,
    ) -> Builder<'a> {
        Builder {
            dockerfile,
            build_args,
            budget: Budget::new(budget),
            places: vec![Place::Global; dockerfile.instructions.len()],
            names: Vec::new(),
            ids: HashMap::new(),
        }
    }

    fn build(mut self) -> Table {
        let stages = self.globals_and_stages();
        // Depth first: each stage, then the stages built on it, in file order.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); stages.len()];
        let mut roots = Vec::new();
        for (index, stage) in stages.iter().enumerate() {
            match stage.parent.and_then(|p| children.get_mut(p)) {
                Some(siblings) => siblings.push(index),
                None => roots.push(index),
            }
        }
        let mut pos = 0;
        // (stage, next child to visit, ENVs it opened)
        let mut stack: Vec<(usize, usize, Vec<usize>)> = Vec::new();
        for root in roots {
            let opened = self.enter(&stages, root, &mut pos);
            stack.push((root, 0, opened));
            while let Some((stage, next, _)) = stack.last_mut() {
                if let Some(&child) = children.get(*stage).and_then(|c| c.get(*next)) {
                    *next += 1;
                    let opened = self.enter(&stages, child, &mut pos);
                    stack.push((child, 0, opened));
                } else if let Some((_, _, opened)) = stack.pop() {
                    for id in opened.into_iter().rev() {
                        if let Some(name) = self.names.get_mut(id) {
                            if let Some(env) = name.open.pop() {
                                name.marks.push(Mark {
                                    pos,
                                    env,
                                    open: false,
                                });
                            }
                        }
                    }
                }
            }
        }
        let mut names = self.names;
        for name in &mut names {
            name.open = Vec::new();
        }
        names.sort_by(|a, b| a.name.cmp(&b.name));
        Table {
            places: self.places,
            budget: self.budget,
            names,
            folded: OnceLock::new(),
            near: OnceLock::new(),
        }
    }

    fn id(&mut self, name: &str) -> usize {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len();
        self.names.push(Name {
            name: name.to_string(),
            ..Name::default()
        });
        self.ids.insert(name.to_string(), id);
        id
    }

    /// `raw` expanded as the build would (as written if the build would refuse it), or
    /// unknown when a variable it reads was past the budget.
    /// The name an `ARG name[=default]` declares and the value it takes: a build argument
    /// given for it, else its default expanded where it stands, else (in a stage) the value of
    /// the global ARG of that name.
    fn declare<'w>(&self, word: &'w str, place: Place, at: usize) -> (&'w str, Setting) {
        let (name, default) = match word.split_once('=') {
            Some((name, default)) => (name, Some(default)),
            None => (word, None),
        };
        let value = match (self.build_args.get(name), default, place) {
            (Some(given), _, _) => Setting::Value(Arc::from(given.as_str())),
            (None, Some(d), _) => self.expand(d, place, at),
            (None, None, Place::Global) => Setting::None,
            (None, None, _) => self
                .ids
                .get(name)
                .and_then(|&id| self.names.get(id))
                .and_then(|entry| entry.globals.last())
                .map_or(Setting::None, Setting::of),
        };
        (name, value)
    }

    fn expand(&self, raw: &str, place: Place, at: usize) -> Setting {
        let vars = Partial {
            names: &self.names,
            ids: &self.ids,
            budget: &self.budget,
            place,
            at,
        };
        match Lexer::new(self.dockerfile.escape).process(raw, &vars) {
            Ok(expansion) if expansion.unknown => Setting::Unknown,
            Ok(expansion) => Setting::Value(Arc::from(expansion.value)),
            Err(_) => Setting::Value(Arc::from(raw)),
        }
    }

    /// Global ARGs (in file order), and the stages with the stage each builds on: the latest
    /// earlier stage whose name matches the base once both are expanded.
    fn globals_and_stages(&mut self) -> Vec<StageSpan> {
        let dockerfile = self.dockerfile;
        let instructions = &dockerfile.instructions;
        let mut stages: Vec<StageSpan> = Vec::new();
        let mut named: HashMap<String, usize> = HashMap::new();
        for (index, ins) in instructions.iter().enumerate() {
            match (&ins.kind, &ins.args) {
                (Kind::From, args) => {
                    let words: Vec<&str> = match args {
                        Args::Words(words) => words.iter().map(|w| w.value.as_str()).collect(),
                        _ => Vec::new(),
                    };
                    let base = words
                        .first()
                        .and_then(|b| self.expand(b, Place::Global, index).known())
                        .map(|b| b.to_lowercase());
                    let parent = base.and_then(|b| named.get(&b).copied());
                    if let Some(last) = stages.last_mut() {
                        last.end = index;
                    }
                    if let [_, _, name] = words.as_slice() {
                        if let Some(name) = self.expand(name, Place::Global, index).known() {
                            named.insert(name.to_lowercase(), stages.len());
                        }
                    }
                    stages.push(StageSpan {
                        from: index,
                        end: instructions.len(),
                        parent,
                    });
                }
                (Kind::Arg, Args::Words(words)) if stages.is_empty() => {
                    let declared: Vec<(&str, Setting)> = words
                        .iter()
                        .map(|word| self.declare(&word.value, Place::Global, index))
                        .collect();
                    for (name, value) in declared {
                        let id = self.id(name);
                        if let Some(entry) = self.names.get_mut(id) {
                            entry.globals.push(value.var(VarSource::GlobalArg, index));
                        }
                    }
                }
                _ => {}
            }
        }
        stages
    }

    /// Lays out `stage` from `pos` on and reads its ARGs and ENVs. Returns the names whose
    /// ENV ranges it opened, to close when its subtree ends.
    fn enter(&mut self, stages: &[StageSpan], stage: usize, pos: &mut usize) -> Vec<usize> {
        let mut opened = Vec::new();
        let Some(span) = stages.get(stage) else {
            return opened;
        };
        let dockerfile = self.dockerfile;
        for index in span.from..span.end {
            let here = *pos;
            *pos += 1;
            let Some(ins) = dockerfile.instructions.get(index) else {
                continue;
            };
            if index == span.from {
                continue;
            }
            let place = Place::Stage { stage, pos: here };
            if let Some(slot) = self.places.get_mut(index) {
                *slot = place;
            }
            match (&ins.kind, &ins.args) {
                (Kind::Arg, Args::Words(words)) => {
                    let declared: Vec<(&str, Setting)> = words
                        .iter()
                        .map(|word| self.declare(&word.value, place, index))
                        .collect();
                    for (name, value) in declared {
                        let id = self.id(name);
                        if let Some(entry) = self.names.get_mut(id) {
                            let var = value.var(VarSource::Arg, index);
                            entry.args.push((here, stage, var));
                        }
                    }
                }
                (Kind::Env, Args::KeyValues(pairs)) => {
                    // A key past the budget names no variable we can know: it sets nothing.
                    let set: Vec<(Arc<str>, Setting)> = pairs
                        .iter()
                        .filter_map(|kv| {
                            let Setting::Value(key) = self.expand(&kv.key.value, place, index)
                            else {
                                return None;
                            };
                            Some((key, self.expand(&kv.value.value, place, index)))
                        })
                        .collect();
                    for (key, value) in set {
                        let id = self.id(&key);
                        let Some(entry) = self.names.get_mut(id) else {
                            continue;
                        };
                        let env = entry.envs.len();
                        let var = value.var(VarSource::Env, index);
                        entry.envs.push((var, entry.open.last().copied()));
                        entry.marks.push(Mark {
                            pos: here + 1,
                            env,
                            open: true,
                        });
                        entry.open.push(env);
                        opened.push(id);
                    }
                }
                _ => {}
            }
        }
        opened
    }
}
