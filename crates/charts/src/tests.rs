use super::*;
use drydock_inventory::KindUsage;

fn row(tag: &str, unique: i64) -> ImageRow {
    ImageRow {
        id: format!("sha256:{:0>64}", unique),
        tags: if tag.is_empty() {
            vec![]
        } else {
            vec![tag.to_owned()]
        },
        digests: vec![],
        created: "2026-01-01T00:00:00Z".into(),
        size: unique + 100,
        shared_size: 100,
        unique_size: unique,
        containers: 0,
        dangling: tag.is_empty(),
    }
}

fn usage(size: i64, reclaimable: i64) -> KindUsage {
    KindUsage {
        count: 1,
        active: 0,
        size,
        reclaimable,
    }
}

#[test]
fn reclaimable_chart_draws_one_bar_per_kind() {
    let report = DfReport {
        images: usage(3_000_000, 1_200_000),
        containers: usage(2_000_000, 2_000_000),
        volumes: usage(6_500_000, 1_500_000),
        build_cache: usage(0, 0),
        host: None,
    };
    let svg = reclaimable_by_category(&report);
    insta::assert_snapshot!("reclaimable_by_category", svg);
}

#[test]
fn top_images_keeps_the_largest_fifteen_in_order() {
    let rows: Vec<ImageRow> = (1..=20)
        .map(|i| row(&format!("app/{i}:1"), i * 1000))
        .collect();
    let svg = top_images_by_unique_size(&rows, 15);
    let text = |name: &str| format!(">\n{name}\n<");
    assert!(svg.contains(&text("app/20:1")) && svg.contains(&text("app/6:1")));
    assert!(!svg.contains(&text("app/5:1")), "only fifteen");
    let pos = |name: &str| svg.find(&text(name)).expect("drawn");
    assert!(pos("app/20:1") < pos("app/19:1"));
}

#[test]
fn hostile_names_stay_text() {
    let rows = vec![
        row("<img src=x onerror=alert(1)>", 5000),
        row("evil\u{0}\u{1b}[2J\"&'", 4000),
        row("", 3000),
    ];
    let svg = top_images_by_unique_size(&rows, 15);
    assert!(!svg.contains("<img"), "no markup from a name: {svg}");
    assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        !svg.contains('\u{0}') && !svg.contains('\u{1b}'),
        "XML-invalid characters removed"
    );
    assert!(svg.contains("&lt;dangling&gt; 000000000000"));
    insta::assert_snapshot!("top_images_hostile", svg);
}

#[test]
fn an_empty_engine_gets_a_note_not_an_empty_box() {
    let svg = top_images_by_unique_size(&[], 15);
    assert!(svg.contains("Nothing here yet"));
}

#[test]
fn long_labels_are_cut() {
    assert_eq!(label(&"x".repeat(50), 10), format!("{}…", "x".repeat(9)));
    assert_eq!(label("a\nb", 10), "a b");
}
