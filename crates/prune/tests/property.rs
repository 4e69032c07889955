//! Many generated engine states, each planned with a random request, checked against safety rules
//! and an exact byte count computed here independently of the planner.

use drydock_inventory::raw::VolumeUsageData;
use drydock_inventory::{DiskUsage, ImageLayers, Layer, RawContainer, RawImage, RawVolume};
use drydock_prune::{
    plan, EngineState, Filters, ImageScope, ImageSelect, Kind, LabelFilter, Network, Plan, Request,
    VolumeSelect,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Duration;

const NOW: i64 = 1_700_000_000;
const DAY: i64 = 86_400;

/// xorshift64*: deterministic, so a failing seed reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const TAGS: [&str; 6] = [
    "app:1",
    "app:2",
    "lib:1",
    "base:latest",
    "ci/x:1",
    "other:3",
];
const KEEP: [&str; 4] = ["app:*", "lib:1", "base", "ci/*"];
const STATES: [&str; 5] = ["running", "exited", "created", "paused", "exited"];

/// The generated state plus each image's chain as the test knows it (never read from the planner).
struct World {
    state: EngineState,
    chains: Vec<Vec<String>>,
    sizes: HashMap<String, u64>,
}

fn world(rng: &mut Rng) -> World {
    let mut sizes: HashMap<String, u64> = HashMap::new();
    let mut chains: Vec<Vec<String>> = Vec::new();
    let mut images: Vec<RawImage> = Vec::new();
    let mut has_children = Vec::new();
    let n_images = 1 + rng.below(12) as usize;
    for i in 0..n_images {
        let base = (i > 0 && rng.chance(60)).then(|| rng.below(i as u64) as usize);
        let mut chain = base.map_or_else(Vec::new, |b| chains[b].clone());
        let new_layers = rng.below(3) + u64::from(base.is_none());
        for _ in 0..new_layers {
            let id = format!("L{}", sizes.len());
            sizes.insert(id.clone(), rng.below(1000));
            chain.push(id);
        }
        if let Some(b) = base {
            has_children.push(b);
        }
        let mut img = RawImage {
            id: format!("img{i}"),
            parent_id: match base {
                Some(b) if rng.chance(30) => format!("img{b}"),
                _ => String::new(),
            },
            created: NOW - rng.below(10 * DAY as u64) as i64,
            size: chain.iter().map(|c| sizes[c] as i64).sum(),
            shared_size: -1,
            containers: -1,
            ..RawImage::default()
        };
        if rng.chance(50) {
            for _ in 0..=rng.below(2) {
                img.repo_tags.push((*rng.pick(&TAGS)).to_owned());
            }
        } else if rng.chance(10) {
            img.repo_tags.push("<none>:<none>".into());
        }
        if rng.chance(10) {
            img.repo_digests
                .push(format!("{}@sha256:{i}", rng.pick(&["app", "lib"])));
        }
        if rng.chance(30) {
            img.labels.insert("env".into(), "dev".into());
        }
        images.push(img);
        chains.push(chain);
    }
    let mut layers = Vec::new();
    for (i, img) in images.iter_mut().enumerate() {
        // An image sharing nothing may come without a layer list: its size is then exact.
        let shares = chains
            .iter()
            .enumerate()
            .any(|(j, other)| j != i && other.iter().any(|c| chains[i].contains(c)));
        if !shares && !has_children.contains(&i) && rng.chance(40) {
            img.shared_size = 0;
            continue;
        }
        layers.push(ImageLayers {
            image_id: img.id.clone(),
            layers: chains[i]
                .iter()
                .map(|c| Layer {
                    chain_id: c.clone(),
                    diff_id: c.clone(),
                    size: sizes[c] as i64,
                    buildkit: false,
                })
                .collect(),
        });
    }

    let mut containers = Vec::new();
    let mut container_labels = BTreeMap::new();
    for i in 0..rng.below(7) {
        let id = format!("c{i}");
        if rng.chance(70) {
            let mut labels = BTreeMap::new();
            if rng.chance(50) {
                labels.insert("env".to_owned(), "dev".to_owned());
            }
            container_labels.insert(id.clone(), labels);
        }
        containers.push(RawContainer {
            id,
            names: vec![format!("/c{i}")],
            image_id: format!("img{}", rng.below(n_images as u64 + 1)),
            state: (*rng.pick(&STATES)).to_owned(),
            created: NOW - rng.below(3 * DAY as u64) as i64,
            size_rw: Some(rng.below(100) as i64),
            ..RawContainer::default()
        });
    }
    let mut mounts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut volumes = Vec::new();
    for i in 0..rng.below(5) {
        let name = format!("v{i}");
        let mut refs = 0;
        for c in &containers {
            if rng.chance(25) {
                mounts.entry(c.id.clone()).or_default().push(name.clone());
                refs += 1;
            }
        }
        if rng.chance(10) {
            refs += 1; // a user the listing does not show
        }
        volumes.push(RawVolume {
            name,
            usage_data: Some(VolumeUsageData {
                size: rng.below(500) as i64,
                ref_count: refs,
            }),
            ..RawVolume::default()
        });
    }
    let networks = (0..rng.below(4))
        .map(|i| Network {
            id: format!("n{i}"),
            name: (*rng.pick(&["bridge", "front", "back"])).to_owned(),
            created: NOW - rng.below(3 * DAY as u64) as i64,
            containers: containers
                .iter()
                .filter(|_| rng.chance(30))
                .map(|c| c.id.clone())
                .collect(),
            ..Network::default()
        })
        .collect();
    World {
        state: EngineState {
            df: DiskUsage {
                images,
                containers,
                volumes,
                ..DiskUsage::default()
            },
            layers,
            networks,
            container_labels,
            mounts,
        },
        chains,
        sizes,
    }
}

fn filters(rng: &mut Rng) -> Filters {
    Filters {
        until: rng
            .chance(30)
            .then(|| Duration::from_secs(rng.below(5 * DAY as u64))),
        labels: match rng.below(4) {
            0 => vec![LabelFilter::has("env=dev")],
            1 => vec![LabelFilter::lacks("env")],
            _ => vec![],
        },
    }
}

fn request(rng: &mut Rng) -> Request {
    if rng.chance(10) {
        return Request::one_click(vec![(*rng.pick(&KEEP)).to_owned()]);
    }
    Request {
        images: match rng.below(3) {
            0 => None,
            1 => Some(ImageSelect {
                scope: ImageScope::Dangling,
                filters: filters(rng),
            }),
            _ => Some(ImageSelect {
                scope: ImageScope::Unused,
                filters: filters(rng),
            }),
        },
        containers: rng.chance(60).then(|| filters(rng)),
        volumes: rng.chance(50).then(|| VolumeSelect {
            names: (0..6)
                .filter(|_| rng.chance(40))
                .map(|i| format!("v{i}"))
                .collect(),
            labels: vec![],
        }),
        networks: rng.chance(50).then(|| filters(rng)),
        build_cache: None,
        keep: KEEP
            .iter()
            .filter(|_| rng.chance(25))
            .map(|k| (*k).to_owned())
            .collect(),
        image_ids: None,
    }
}

/// The keep patterns above, read by hand.
fn kept_by_rule(keep: &[String], reference: &str) -> bool {
    keep.iter().any(|k| match k.as_str() {
        "app:*" => reference.starts_with("app:"),
        "lib:1" => reference == "lib:1",
        "base" => reference.starts_with("base:") || reference.starts_with("base@"),
        "ci/*" => reference.starts_with("ci/"),
        other => panic!("unexpected keep pattern {other}"),
    })
}

/// `a` is built on `b`... computed by brute force: strict layer prefix or ParentId, closed.
fn built_on(world: &World) -> Vec<Vec<bool>> {
    let images = &world.state.df.images;
    let n = images.len();
    let mut on = vec![vec![false; n]; n];
    for a in 0..n {
        for b in 0..n {
            let (ca, cb) = (&world.chains[a], &world.chains[b]);
            let prefix = !cb.is_empty() && cb.len() < ca.len() && ca[..cb.len()] == cb[..];
            on[a][b] = a != b && (prefix || images[a].parent_id == images[b].id);
        }
    }
    for k in 0..n {
        for a in 0..n {
            for b in 0..n {
                if on[a][k] && on[k][b] && a != b {
                    on[a][b] = true;
                }
            }
        }
    }
    on
}

fn check(world: &World, req: &Request, p: &Plan) {
    let st = &world.state;
    let planned = |kind: Kind| -> Vec<&str> {
        p.items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.id.as_str())
            .collect()
    };
    let gone_containers: HashSet<&str> = planned(Kind::Container).into_iter().collect();
    let gone_images: HashSet<&str> = planned(Kind::Image).into_iter().collect();
    let staying: Vec<&RawContainer> = st
        .df
        .containers
        .iter()
        .filter(|c| !gone_containers.contains(c.id.as_str()))
        .collect();

    let mut seen = HashSet::new();
    for item in &p.items {
        assert!(
            seen.insert((item.kind, item.id.as_str())),
            "{} twice",
            item.id
        );
    }
    let rank = |k: Kind| match k {
        Kind::Container => 0,
        Kind::Image => 1,
        Kind::Volume => 2,
        Kind::Network => 3,
        Kind::BuildCache => 4,
    };
    assert!(p
        .items
        .windows(2)
        .all(|w| rank(w[0].kind) <= rank(w[1].kind)));
    assert_eq!(
        p.predicted_reclaim,
        p.items.iter().map(|i| i.bytes).sum::<u64>()
    );

    for c in &st.df.containers {
        if gone_containers.contains(c.id.as_str()) {
            assert!(!matches!(
                c.state.as_str(),
                "running" | "paused" | "restarting"
            ));
        }
    }

    let on = built_on(world);
    let images = &st.df.images;
    let index: HashMap<&str, usize> = images
        .iter()
        .enumerate()
        .map(|(i, img)| (img.id.as_str(), i))
        .collect();
    for id in &gone_images {
        let img = &images[index[id]];
        assert!(
            staying.iter().all(|c| c.image_id != img.id),
            "{id} is used by a container that stays"
        );
        let refs: Vec<&String> = img
            .repo_tags
            .iter()
            .chain(&img.repo_digests)
            .filter(|r| !r.starts_with("<none>"))
            .collect();
        assert!(
            !refs.iter().any(|r| kept_by_rule(&req.keep, r)),
            "{id} matches a keep rule"
        );
        if req.images.as_ref().map(|s| s.scope) == Some(ImageScope::Dangling) {
            assert!(refs.is_empty(), "{id} is not dangling");
        }
        for (j, other) in images.iter().enumerate() {
            if !gone_images.contains(other.id.as_str()) {
                assert!(
                    !on[j][index[id]],
                    "{id} is a base of {} which stays",
                    other.id
                );
            }
        }
    }
    let order: Vec<usize> = p
        .items
        .iter()
        .filter(|i| i.kind == Kind::Image)
        .map(|i| index[i.id.as_str()])
        .collect();
    for (x, &a) in order.iter().enumerate() {
        for &b in &order[x + 1..] {
            assert!(
                !on[b][a],
                "{} removed before {} built on it",
                images[a].id, images[b].id
            );
        }
    }

    let held = |gone: bool| -> BTreeSet<&str> {
        images
            .iter()
            .enumerate()
            .filter(|(_, img)| gone_images.contains(img.id.as_str()) == gone)
            .flat_map(|(i, _)| world.chains[i].iter().map(String::as_str))
            .collect()
    };
    let remaining = held(false);
    let expected: u64 = held(true)
        .difference(&remaining)
        .map(|c| world.sizes[*c])
        .sum();
    let image_bytes: u64 = p
        .items
        .iter()
        .filter(|i| i.kind == Kind::Image)
        .map(|i| i.bytes)
        .sum();
    assert_eq!(image_bytes, expected, "image bytes");

    let named = req.volumes.as_ref().map(|v| &v.names);
    for id in planned(Kind::Volume) {
        assert!(named.is_some_and(|n| n.contains(id)), "{id} was not named");
        let v = st.df.volumes.iter().find(|v| v.name == id).expect("exists");
        let freed = st
            .mounts
            .iter()
            .filter(|(c, names)| {
                gone_containers.contains(c.as_str()) && names.iter().any(|n| n == id)
            })
            .count() as i64;
        let refs = v.usage_data.as_ref().map_or(i64::MAX, |u| u.ref_count);
        assert!(refs <= freed, "{id} is mounted by a container that stays");
    }
    for id in planned(Kind::Network) {
        let n = st.networks.iter().find(|n| n.id == id).expect("exists");
        assert!(n.name != "bridge");
        assert!(n
            .containers
            .iter()
            .all(|c| gone_containers.contains(c.as_str())));
    }
}

#[test]
fn no_generated_state_loses_anything_it_should_keep() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut images_removed, mut bases_kept) = (0, 0);
    for case in 0..3000 {
        let world = world(&mut rng);
        let req = request(&mut rng);
        let p = plan(&world.state, &req, NOW)
            .unwrap_or_else(|e| panic!("case {case}: every sharing image has a list: {e}"));
        check(&world, &req, &p);
        images_removed += p.items.iter().filter(|i| i.kind == Kind::Image).count();
        bases_kept += p
            .kept
            .iter()
            .filter(|(_, why)| why.contains("is built on it"))
            .count();
    }
    // The generator must reach the interesting cases, or the checks above prove little.
    assert!(images_removed > 1000, "{images_removed} images removed");
    assert!(bases_kept > 100, "{bases_kept} base images kept");
}
