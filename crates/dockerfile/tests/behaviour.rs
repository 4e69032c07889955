//! Parser behaviour beyond BuildKit's golden dumps: spans, heredocs, directives, error
//! recovery, stages and variable scope.

use std::collections::BTreeMap;

use drydock_dockerfile::{parse, scopes, stages, Args, Kind, Pos, Span};

fn span(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
    Span {
        start: Pos {
            line: l1,
            column: c1,
        },
        end: Pos {
            line: l2,
            column: c2,
        },
    }
}

#[test]
fn spans_are_exact_across_continuations() {
    let df = parse("FROM alpine AS build\nCOPY --from=x --chmod=755 \\\n  a.txt  /dst/\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let from = &df.instructions[0];
    assert_eq!(from.span, span(1, 1, 1, 21));
    let Args::Words(words) = &from.args else {
        panic!("FROM has words")
    };
    assert_eq!(words[2].span, span(1, 16, 1, 21));
    let copy = &df.instructions[1];
    assert_eq!(copy.span, span(2, 1, 3, 15));
    assert_eq!(copy.keyword_span, span(2, 1, 2, 5));
    assert_eq!(copy.flags[0].span, span(2, 6, 2, 14));
    assert_eq!(copy.flags[1].name, "chmod");
    assert_eq!(copy.flags[1].value.as_deref(), Some("755"));
    let Args::Words(args) = &copy.args else {
        panic!("COPY shell form is words")
    };
    assert_eq!(args[0].value, "a.txt");
    assert_eq!(args[0].span, span(3, 3, 3, 8));
    assert_eq!(args[1].span, span(3, 10, 3, 15));
}

#[test]
fn columns_count_chars_and_skip_the_bom() {
    let df = parse("\u{feff}FROM a\nLABEL é=ü x=\"y z\"\r\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions[0].span, span(1, 1, 1, 7));
    let Args::KeyValues(pairs) = &df.instructions[1].args else {
        panic!("LABEL pairs")
    };
    assert_eq!(pairs[0].value.span, span(2, 9, 2, 10));
    assert_eq!(pairs[1].value.value, "\"y z\"");
    assert_eq!(pairs[1].value.span, span(2, 13, 2, 18));
}

#[test]
fn exec_form_and_fallback() {
    let df = parse("FROM a\nCMD [\"a\", \"b c\"]\nCMD ['a']\nRUN [\"x\", [1]]\nCMD [\"ok\"]\n");
    assert!(
        matches!(&df.instructions[1].args, Args::Exec(a) if a[1].value == "b c" && a[1].span == span(2, 11, 2, 16))
    );
    assert!(matches!(&df.instructions[2].args, Args::Shell(a) if a.value == "['a']"));
    assert_eq!(df.errors.len(), 1, "{:?}", df.errors);
    assert_eq!(df.errors[0].span.start.line, 4);
    assert_eq!(
        df.instructions.len(),
        4,
        "the bad RUN is dropped, the rest parsed"
    );
}

#[test]
fn heredocs() {
    let src = "FROM a\nRUN <<EOF cat <<-'END' > /f\necho $X\nEOF\n\tliteral $Y\n\tEND\nCOPY 3<<\"A\" /x\nbody\nA\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let run = &df.instructions[1];
    assert_eq!(run.heredocs.len(), 2);
    let (first, second) = (&run.heredocs[0], &run.heredocs[1]);
    assert_eq!(
        (first.delimiter.as_str(), first.body.as_str(), first.expand),
        ("EOF", "echo $X\n", true)
    );
    assert_eq!(first.span, span(2, 5, 2, 10));
    assert!(second.strip_tabs && !second.expand);
    assert_eq!(second.content(), "literal $Y\n");
    assert_eq!(run.span.end, Pos { line: 6, column: 5 });
    let copy = &df.instructions[2];
    assert_eq!(copy.heredocs[0].fd, Some(3));
    assert_eq!(copy.heredocs[0].body, "body\n");
    assert!(!copy.heredocs[0].expand);
}

#[test]
fn heredocs_only_for_run_copy_add_in_shell_form() {
    let df = parse("FROM a\nCMD <<EOF\nRUN [\"<<EOF\"]\nRUN echo '<<EOF'\n");
    assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
    assert_eq!(df.instructions.len(), 4);
}

#[test]
fn unterminated_heredoc_is_reported_and_parsing_resumes() {
    let df = parse("FROM a\nRUN <<EOF\necho hi\nEOFX\nENV A=1\n");
    assert_eq!(
        df.errors
            .iter()
            .filter(|e| e.message.starts_with("unterminated heredoc"))
            .count(),
        1
    );
    assert!(df.errors.iter().any(|e| e.span.start.line == 2));
    assert!(
        df.instructions.iter().any(|i| i.kind == Kind::Env),
        "ENV after it is still parsed"
    );
}

#[test]
fn errors_do_not_stop_the_parse() {
    let df = parse("FROM\nENV PATH\nCOPY --from src\nBOGUS thing\nFROM ok AS 1bad\nRUN true\n");
    let lines: Vec<u32> = df.errors.iter().map(|e| e.span.start.line).collect();
    assert_eq!(lines, [1, 2, 3, 3, 4, 5], "{:?}", df.errors);
    assert!(df.errors[0]
        .to_string()
        .starts_with("line 1, column 1: FROM requires"));
    assert_eq!(
        df.instructions.last().map(|i| i.kind.clone()),
        Some(Kind::Run)
    );
    assert!(df
        .instructions
        .iter()
        .any(|i| i.kind == Kind::Unknown("BOGUS".into())));
}

#[test]
fn directives_only_at_the_top() {
    let df =
        parse("# syntax=docker/dockerfile:1\n#escape=`\n# check=skip=all\nFROM a\nRUN a `\n  b\n");
    let names: Vec<&str> = df.directives.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["syntax", "escape", "check"]);
    assert_eq!(df.escape, '`');
    assert!(matches!(&df.instructions[1].args, Args::Shell(a) if a.value == "a   b"));

    let late = parse("# hello\n# escape=`\nFROM a\n");
    assert!(late.directives.is_empty());
    assert_eq!(late.escape, '\\');
    let dup = parse("# escape=`\n# escape=\\\nFROM a\n");
    assert_eq!(dup.errors.len(), 1);
}

#[test]
fn lowercase_keywords_and_trailing_escaped_escape() {
    let df = parse("from a\nenv C trailing\\\\\nEnv D next\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(df.instructions[2].keyword, "Env");
    assert_eq!(df.instructions[2].kind, Kind::Env);
}

#[test]
fn stages_and_scopes() {
    let src = "ARG BASE=alpine\nARG TAG\nFROM ${BASE}:3 AS build\nARG BASE\nENV P=/opt X=$BASE\nRUN x\nFROM build AS final\nARG TAG\nRUN y\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let stages = stages(&df);
    assert_eq!(stages.len(), 2);
    assert_eq!(
        stages[0].name.as_ref().map(|n| n.value.as_str()),
        Some("build")
    );
    assert_eq!(stages[0].instructions, 2..6);
    assert_eq!(
        stages[1].base.as_ref().map(|b| b.value.as_str()),
        Some("build")
    );

    let args = BTreeMap::from([("TAG".to_string(), "v1".to_string())]);
    let scopes = scopes(&df, &args);
    let from_env = scopes[2].env();
    assert_eq!(from_env.get("BASE").map(String::as_str), Some("alpine"));
    assert!(
        scopes[3].env().is_empty(),
        "globals are not visible inside a stage until redeclared"
    );
    let run = scopes[5].env();
    assert_eq!(run.get("X").map(String::as_str), Some("alpine"));
    assert_eq!(run.get("P").map(String::as_str), Some("/opt"));
    let last = scopes[8].env();
    assert_eq!(
        last.get("P").map(String::as_str),
        Some("/opt"),
        "ENV inherited from the parent stage"
    );
    assert_eq!(last.get("TAG").map(String::as_str), Some("v1"));
    assert!(!last.contains_key("BASE"), "ARGs are not inherited");
}
