//! Plans for hand-built engine states, one safety rule or selection at a time.

use drydock_inventory::raw::VolumeUsageData;
use drydock_inventory::{
    DiskUsage, ImageLayers, Layer, RawBuildCache, RawContainer, RawImage, RawVolume,
};
use drydock_prune::{
    plan, EngineState, Filters, ImageScope, ImageSelect, Kind, LabelFilter, Network, Plan, Request,
    VolumeSelect,
};
use std::time::Duration;

const NOW: i64 = 1_700_000_000;
const DAY: i64 = 86_400;

fn image(id: &str, tags: &[&str], layers: &[(&str, i64)]) -> (RawImage, ImageLayers) {
    let raw = RawImage {
        id: id.into(),
        repo_tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        created: NOW - 30 * DAY,
        size: layers.iter().map(|l| l.1).sum(),
        shared_size: -1,
        containers: -1,
        ..RawImage::default()
    };
    let list = ImageLayers {
        image_id: id.into(),
        layers: layers
            .iter()
            .map(|(c, s)| Layer {
                chain_id: (*c).into(),
                diff_id: (*c).into(),
                size: *s,
                buildkit: false,
            })
            .collect(),
    };
    (raw, list)
}

fn container(id: &str, image: &str, state: &str, size: i64) -> RawContainer {
    RawContainer {
        id: id.into(),
        names: vec![format!("/{id}")],
        image_id: image.into(),
        state: state.into(),
        created: NOW - 30 * DAY,
        size_rw: Some(size),
        ..RawContainer::default()
    }
}

fn engine(images: Vec<(RawImage, ImageLayers)>, containers: Vec<RawContainer>) -> EngineState {
    let (images, layers) = images.into_iter().unzip();
    EngineState {
        df: DiskUsage {
            images,
            containers,
            ..DiskUsage::default()
        },
        layers,
        ..EngineState::default()
    }
}

fn images(scope: ImageScope) -> Request {
    Request {
        images: Some(ImageSelect {
            scope,
            filters: Filters::default(),
        }),
        ..Request::default()
    }
}

fn ids(plan: &Plan, kind: Kind) -> Vec<&str> {
    plan.items
        .iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.id.as_str())
        .collect()
}

fn kept(plan: &Plan, id: &str) -> String {
    plan.kept
        .iter()
        .find(|(k, _)| k == id)
        .map(|(_, why)| why.clone())
        .unwrap_or_else(|| panic!("{id} is not among the kept: {:?}", plan.kept))
}

#[test]
fn a_layer_shared_with_a_remaining_image_is_not_counted() {
    let state = engine(
        vec![
            image("old", &[], &[("base", 100), ("old1", 10)]),
            image("new", &["app:2"], &[("base", 100), ("new1", 20)]),
        ],
        vec![],
    );
    let p = plan(&state, &images(ImageScope::Dangling), NOW).expect("plans");
    assert_eq!(ids(&p, Kind::Image), ["old"]);
    assert_eq!(p.predicted_reclaim, 10);

    let p = plan(&state, &images(ImageScope::Unused), NOW).expect("plans");
    assert_eq!(p.predicted_reclaim, 130, "base counted once");
    let per_item: Vec<u64> = p.items.iter().map(|i| i.bytes).collect();
    assert_eq!(per_item.iter().sum::<u64>(), 130);
}

#[test]
fn a_base_image_stays_when_a_kept_image_is_built_on_it() {
    let state = engine(
        vec![
            image("python", &["python:3.12"], &[("b1", 100), ("b2", 50)]),
            image("app", &["me/app:1"], &[("b1", 100), ("b2", 50), ("a1", 5)]),
            image("tool", &["me/tool:1"], &[("b1", 100), ("t1", 7)]),
        ],
        vec![],
    );
    let mut req = images(ImageScope::Unused);
    req.keep = vec!["me/app".into()];
    let p = plan(&state, &req, NOW).expect("plans");
    assert_eq!(ids(&p, Kind::Image), ["tool"]);
    assert_eq!(p.predicted_reclaim, 7);
    assert!(kept(&p, "app").contains("keep rule `me/app`"));
    assert!(kept(&p, "python").contains("me/app:1 is built on it"));
}

#[test]
fn a_base_reached_through_parent_id_stays_too() {
    let (mut child, child_layers) = image("child", &["c:1"], &[("l1", 10)]);
    child.parent_id = "parent".into();
    let state = engine(
        vec![image("parent", &[], &[("l1", 10)]), (child, child_layers)],
        vec![],
    );
    let mut req = images(ImageScope::Unused);
    req.keep = vec!["c:*".into()];
    let p = plan(&state, &req, NOW).expect("plans");
    assert!(p.items.is_empty(), "{:?}", p.items);
    assert!(kept(&p, "parent").contains("c:1 is built on it"));
}

#[test]
fn a_container_that_stays_protects_its_image_and_the_image_below() {
    let state = engine(
        vec![
            image("base", &[], &[("b", 100)]),
            image("web", &[], &[("b", 100), ("w", 1)]),
        ],
        vec![container("c1", "web", "exited", 3)],
    );
    // Images only: the stopped container is not selected, so it stays and holds its image.
    let p = plan(&state, &images(ImageScope::Dangling), NOW).expect("plans");
    assert!(p.items.is_empty(), "{:?}", p.items);
    assert_eq!(kept(&p, "web"), "used by container c1");
    assert!(kept(&p, "base").contains("is built on it"));
}

#[test]
fn containers_removed_first_free_their_images_children_before_parents() {
    let state = engine(
        vec![
            image("base", &[], &[("b", 100)]),
            image("web", &[], &[("b", 100), ("w", 1)]),
            image("db", &["db:1"], &[("d", 40)]),
        ],
        vec![
            container("c1", "web", "exited", 3),
            container("c2", "db", "running", 9),
        ],
    );
    let mut req = images(ImageScope::Unused);
    req.containers = Some(Filters::default());
    let p = plan(&state, &req, NOW).expect("plans");
    let order: Vec<(Kind, &str)> = p.items.iter().map(|i| (i.kind, i.id.as_str())).collect();
    assert_eq!(
        order,
        [
            (Kind::Container, "c1"),
            (Kind::Image, "web"),
            (Kind::Image, "base")
        ]
    );
    assert_eq!(p.predicted_reclaim, 3 + 1 + 100);
    assert!(p.items[1]
        .reason
        .contains("once its containers are removed (c1)"));
    assert_eq!(kept(&p, "c2"), "running (not stopped)");
    assert_eq!(kept(&p, "db"), "used by container c2");
}

#[test]
fn the_engine_count_of_users_wins_over_a_shorter_listing() {
    let (mut img, layers) = image("x", &[], &[("x", 5)]);
    img.containers = 1;
    let state = engine(vec![(img, layers)], vec![]);
    let p = plan(&state, &images(ImageScope::Dangling), NOW).expect("plans");
    assert!(p.items.is_empty());
    assert!(kept(&p, "x").contains("engine counts 1"));
}

#[test]
fn keep_globs_match_any_tag_of_the_image() {
    let state = engine(
        vec![
            image("a", &["ci/cache:1", "prod/api:7"], &[("a", 1)]),
            image("b", &["ci/cache:2"], &[("b", 2)]),
            image("c", &["prod/api:v1.2"], &[("c", 4)]),
        ],
        vec![],
    );
    let mut req = images(ImageScope::Unused);
    req.keep = vec!["prod/*:?".into(), "prod/api:v*".into()];
    let p = plan(&state, &req, NOW).expect("plans");
    assert_eq!(ids(&p, Kind::Image), ["b"]);
    assert!(kept(&p, "a").contains("prod/api:7"));
    assert!(kept(&p, "c").contains("prod/api:v*"));
}

#[test]
fn label_filters_select_images_containers_and_networks() {
    let (mut dev, dev_layers) = image("dev", &["x:dev"], &[("d", 1)]);
    dev.labels.insert("env".into(), "dev".into());
    let (mut pinned, pinned_layers) = image("pinned", &["x:pin"], &[("p", 2)]);
    pinned.labels.insert("env".into(), "dev".into());
    pinned.labels.insert("keep".into(), "yes".into());
    let mut state = engine(
        vec![
            (dev, dev_layers),
            (pinned, pinned_layers),
            image("plain", &["x:1"], &[("q", 4)]),
        ],
        vec![
            container("c-dev", "plain", "exited", 1),
            container("c-other", "plain", "exited", 1),
        ],
    );
    state
        .container_labels
        .insert("c-dev".into(), [("env".into(), "dev".into())].into());
    state.networks = vec![
        Network {
            id: "n-dev".into(),
            name: "devnet".into(),
            labels: [("env".into(), "dev".into())].into(),
            ..Network::default()
        },
        Network {
            id: "n-prod".into(),
            name: "prodnet".into(),
            ..Network::default()
        },
    ];
    let filters = Filters {
        until: None,
        labels: vec![LabelFilter::has("env=dev"), LabelFilter::lacks("keep")],
    };
    let req = Request {
        images: Some(ImageSelect {
            scope: ImageScope::Unused,
            filters: filters.clone(),
        }),
        containers: Some(filters.clone()),
        networks: Some(filters),
        ..Request::default()
    };
    let p = plan(&state, &req, NOW).expect("plans");
    assert_eq!(
        ids(&p, Kind::Container),
        ["c-dev"],
        "c-other has no labels known"
    );
    assert_eq!(ids(&p, Kind::Image), ["dev"]);
    assert_eq!(ids(&p, Kind::Network), ["n-dev"]);
}

#[test]
fn until_compares_ages_with_the_now_passed_in() {
    let (mut young, young_layers) = image("young", &[], &[("y", 1)]);
    young.created = NOW - 3600;
    let mut state = engine(
        vec![(young, young_layers), image("old", &[], &[("o", 2)])],
        vec![],
    );
    let mut fresh = container("fresh", "none", "exited", 5);
    fresh.created = NOW - 60;
    state.df.containers = vec![fresh, container("stale", "none", "exited", 7)];
    let day = Filters::older_than(Duration::from_secs(DAY as u64));
    let req = Request {
        images: Some(ImageSelect {
            scope: ImageScope::Dangling,
            filters: day.clone(),
        }),
        containers: Some(day),
        ..Request::default()
    };
    let p = plan(&state, &req, NOW).expect("plans");
    assert_eq!(ids(&p, Kind::Image), ["old"]);
    assert_eq!(ids(&p, Kind::Container), ["stale"]);
    // The same state a day later: both are old enough.
    let p = plan(&state, &req, NOW + DAY).expect("plans");
    assert_eq!(ids(&p, Kind::Image), ["old", "young"]);
    assert_eq!(ids(&p, Kind::Container), ["fresh", "stale"]);
}

fn volume(name: &str, size: i64, refs: i64) -> RawVolume {
    RawVolume {
        name: name.into(),
        usage_data: Some(VolumeUsageData {
            size,
            ref_count: refs,
        }),
        ..RawVolume::default()
    }
}

#[test]
fn volumes_go_only_by_name_and_only_when_no_staying_container_mounts_them() {
    let mut state = engine(
        vec![],
        vec![
            container("gone", "i", "exited", 0),
            container("stays", "i", "running", 0),
        ],
    );
    state.df.volumes = vec![
        volume("free", 10, 0),
        volume("unnamed", 999, 0),
        volume("with-gone", 20, 1),
        volume("with-stays", 30, 1),
    ];
    state.mounts.insert("gone".into(), vec!["with-gone".into()]);
    state
        .mounts
        .insert("stays".into(), vec!["with-stays".into()]);
    let req = Request {
        containers: Some(Filters::default()),
        volumes: Some(VolumeSelect {
            names: ["free", "with-gone", "with-stays", "missing"]
                .map(String::from)
                .into(),
            labels: vec![],
        }),
        ..Request::default()
    };
    let p = plan(&state, &req, NOW).expect("plans");
    assert_eq!(ids(&p, Kind::Volume), ["free", "with-gone"]);
    assert_eq!(p.predicted_reclaim, 30);
    assert!(kept(&p, "with-stays").contains("1 container(s) that stay"));
    assert_eq!(kept(&p, "missing"), "no such volume");

    // The safe default never takes a volume, named or not.
    let p = plan(&state, &Request::one_click(vec![]), NOW).expect("plans");
    assert!(ids(&p, Kind::Volume).is_empty());
}

#[test]
fn one_click_takes_dangling_images_day_old_stopped_containers_and_week_old_cache() {
    let rfc = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .expect("in range")
            .to_rfc3339()
    };
    let cache = |id: &str, last_used: i64, in_use: bool, shared: bool| RawBuildCache {
        id: id.into(),
        size: 1000,
        in_use,
        shared,
        created_at: rfc(NOW - 100 * DAY),
        last_used_at: Some(rfc(last_used)),
        ..RawBuildCache::default()
    };
    let mut young = container("young", "dangling", "exited", 5);
    young.created = NOW - 3600;
    let mut state = engine(
        vec![
            image("dangling", &[], &[("d", 50)]),
            image("tagged", &["t:1"], &[("t", 60)]),
        ],
        vec![container("old", "tagged", "exited", 7), young],
    );
    state.df.build_cache = vec![
        cache("stale", NOW - 8 * DAY, false, false),
        cache("shared", NOW - 8 * DAY, false, true),
        cache("recent", NOW - DAY, false, false),
        cache("busy", NOW - 30 * DAY, true, false),
    ];
    state.df.volumes = vec![volume("v", 10, 0)];
    let p = plan(&state, &Request::one_click(vec![]), NOW).expect("plans");
    let order: Vec<(Kind, &str, u64)> = p
        .items
        .iter()
        .map(|i| (i.kind, i.id.as_str(), i.bytes))
        .collect();
    assert_eq!(
        order,
        [
            (Kind::Container, "old", 7),
            (Kind::BuildCache, "shared", 0),
            (Kind::BuildCache, "stale", 1000),
        ]
    );
    assert_eq!(kept(&p, "dangling"), "used by container young");
    assert_eq!(kept(&p, "busy"), "in use by a build");
}

#[test]
fn kind_names_are_the_json_names() {
    for kind in Kind::ALL {
        assert_eq!(
            serde_json::to_value(kind).expect("json"),
            serde_json::json!(kind.name())
        );
        assert_eq!(Kind::from_name(kind.name()), Some(kind));
    }
    assert_eq!(Kind::from_name("Image"), None);
}

#[test]
fn plans_serialise_with_lowercase_kinds() {
    let state = engine(vec![image("d", &[], &[("d", 5)])], vec![]);
    let p = plan(&state, &images(ImageScope::Dangling), NOW).expect("plans");
    let json = serde_json::to_value(&p).expect("serialises");
    assert_eq!(json["items"][0]["kind"], "image");
    assert_eq!(json["predicted_reclaim"], 5);
    assert_eq!(
        serde_json::to_value(Kind::BuildCache).expect("serialises"),
        "buildcache"
    );
    let back: Plan = serde_json::from_value(json).expect("reads back");
    assert_eq!(back, p);
}

#[test]
fn an_image_without_a_layer_list_is_exact_only_if_it_shares_nothing() {
    let (mut alone, _) = image("alone", &[], &[("a", 9)]);
    alone.shared_size = 0;
    let state = EngineState {
        df: DiskUsage {
            images: vec![alone.clone()],
            ..DiskUsage::default()
        },
        ..EngineState::default()
    };
    let p = plan(&state, &images(ImageScope::Dangling), NOW).expect("plans");
    assert_eq!(p.predicted_reclaim, 9);

    alone.shared_size = 4;
    let state = EngineState {
        df: DiskUsage {
            images: vec![alone],
            ..DiskUsage::default()
        },
        ..EngineState::default()
    };
    let err = plan(&state, &images(ImageScope::Dangling), NOW).expect_err("cannot be exact");
    assert_eq!(err.0, "alone");
}

mod gc {
    use super::*;
    use drydock_prune::{last_uses, plan_to_fit};
    use std::collections::BTreeMap;

    /// base <- old, base <- mid, base <- new (each 100 own bytes, base 1000), used in that order.
    fn host() -> (EngineState, BTreeMap<String, i64>) {
        let state = engine(
            vec![
                image("base", &["base:1"], &[("L0", 1000)]),
                image("old", &["old:1"], &[("L0", 1000), ("A", 100)]),
                image("mid", &["mid:1"], &[("L0", 1000), ("B", 100)]),
                image("new", &["new:1"], &[("L0", 1000), ("C", 100)]),
            ],
            vec![],
        );
        let recorded = BTreeMap::from([
            ("old".to_owned(), NOW - 3 * DAY),
            ("mid".to_owned(), NOW - 2 * DAY),
            ("new".to_owned(), NOW - DAY),
            ("base".to_owned(), NOW - 5 * DAY),
        ]);
        (state, recorded)
    }

    fn ids(plan: &Plan) -> Vec<&str> {
        plan.items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn least_recently_used_images_go_first_and_only_as_many_as_needed() {
        let (state, recorded) = host();
        let uses = last_uses(&state.df, &recorded);
        let gc = plan_to_fit(&state, &uses, 1150, &[], NOW).expect("plan");
        assert_eq!(gc.image_bytes, 1300);
        // The base was recorded least recently, but it is used whenever `new` is: it stays.
        assert_eq!(ids(&gc.plan), ["mid", "old"]);
        assert_eq!(gc.plan.predicted_reclaim, 200);
        assert!(gc.fits);
        // Even when every candidate is taken, the base stays while a kept image is built on it.
        let gc = plan_to_fit(&state, &uses, 0, &["new:*".to_owned()], NOW).expect("plan");
        assert!(gc
            .plan
            .kept
            .iter()
            .any(|(id, why)| id == "base" && why.contains("built on it")));
    }

    #[test]
    fn a_base_counts_as_used_when_an_image_built_on_it_is() {
        // The base was imported long ago and never run, but `new` is built on it: taking the
        // least-recently-used first must not drag the base (and with it `new`) along when `new`
        // alone is enough.
        let state = engine(
            vec![
                image("base", &["base:1"], &[("L0", 1000)]),
                image("new", &["new:1"], &[("L0", 1000), ("C", 100)]),
            ],
            vec![],
        );
        let recorded = BTreeMap::from([("base".to_owned(), NOW - 5 * DAY)]);
        let mut uses = last_uses(&state.df, &recorded);
        uses.insert("new".to_owned(), NOW - DAY);
        let gc = plan_to_fit(&state, &uses, 1050, &[], NOW).expect("plan");
        assert_eq!(ids(&gc.plan), ["new"]);
        assert_eq!(gc.plan.predicted_reclaim, 100);
        assert!(gc.fits);
        // Over by more than `new` frees: both go, the image built on the base first.
        let gc = plan_to_fit(&state, &uses, 500, &[], NOW).expect("plan");
        assert_eq!(ids(&gc.plan), ["new", "base"]);
    }

    #[test]
    fn nothing_goes_when_the_images_already_fit() {
        let (state, recorded) = host();
        let gc =
            plan_to_fit(&state, &last_uses(&state.df, &recorded), 1300, &[], NOW).expect("plan");
        assert!(gc.plan.items.is_empty() && gc.fits);
    }

    #[test]
    fn keep_rules_and_containers_hold_and_an_impossible_limit_says_so() {
        let (mut state, recorded) = host();
        state
            .df
            .containers
            .push(container("c1", "old", "exited", 5));
        let uses = last_uses(&state.df, &recorded);
        // The container was created long ago: it holds `old` without making it recent.
        assert_eq!(uses.get("old"), Some(&(NOW - 3 * DAY)));
        let gc = plan_to_fit(&state, &uses, 0, &["mid:*".to_owned()], NOW).expect("plan");
        assert_eq!(ids(&gc.plan), ["new"]);
        assert!(!gc.fits);
    }

    #[test]
    fn container_creation_counts_as_use() {
        let (mut state, recorded) = host();
        let mut c = container("c1", "old", "exited", 5);
        c.created = NOW;
        state.df.containers.push(c);
        assert_eq!(last_uses(&state.df, &recorded).get("old"), Some(&NOW));
    }
}

#[test]
fn image_ids_narrow_a_plan_to_the_images_named() {
    let state = engine(
        vec![image("a", &[], &[("a", 1)]), image("b", &[], &[("b", 2)])],
        vec![],
    );
    let mut req = images(ImageScope::Unused);
    req.image_ids = Some(["b".to_owned()].into());
    let p = plan(&state, &req, NOW).expect("plans");
    assert_eq!(ids(&p, Kind::Image), ["b"]);
}

#[test]
fn layers_buildkit_wrote_stay_with_the_build_cache_that_shares_them() {
    let (img, mut layers) = image("bk", &["bk:1"], &[("base", 10), ("step", 120)]);
    layers.layers[1].buildkit = true;
    let mut state = engine(vec![(img, layers)], vec![]);
    state.df.build_cache.push(RawBuildCache {
        id: "rec".into(),
        shared: true,
        size: 120,
        created_at: "2023-01-01T00:00:00Z".into(),
        ..RawBuildCache::default()
    });
    let alone = plan(&state, &images(ImageScope::Unused), NOW).expect("plans");
    assert_eq!(
        alone.predicted_reclaim, 10,
        "the cache keeps the BuildKit layer"
    );
    let mut both = images(ImageScope::Unused);
    both.build_cache = Some(Filters::default());
    let p = plan(&state, &both, NOW).expect("plans");
    assert_eq!(p.predicted_reclaim, 130, "pruned together, both go");
}
