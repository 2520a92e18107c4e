//! The PDF itself: pages, text as the language writes it, escaping, the sandbox, and
//! identical bytes from identical inputs.

use super::{build, kpipress, out_dir, stderr};

fn pages_of(pdf: &std::path::Path) -> Vec<String> {
    let bytes = std::fs::read(pdf).unwrap();
    pdf_extract::extract_text_from_mem_by_pages(&bytes).expect("the PDF's text can be read")
}

pub fn text_of(pdf: &std::path::Path) -> String {
    pages_of(pdf).join("\n")
}

/// Spaces of any kind folded to one, so the text compares across extraction quirks.
fn folded(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Without any spaces: the extraction puts stray ones after brackets and quotes.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect()
}

#[test]
fn report_shows_client_and_formatted_values() {
    let out = build("tests/fixtures/ok/numbers/spec.yaml", "numbers-pdf", "pdf");
    let pdf = out.join("reports/numbers/2026-10.pdf");
    // Sections flow on from the page before: a page is started only for the cover, and
    // for a section that would otherwise break badly.
    let pages = pages_of(&pdf);
    assert_eq!(
        pages.len(),
        4,
        "cover, summary and scorecard, trends with recommendations and appendix, the appendix's end"
    );
    let second = folded(&pages[1]);
    assert!(
        second.contains("Итоги периода") && second.contains("Показатели"),
        "the scorecard of five KPIs follows the summary on its page:\n{second}"
    );
    let text = folded(&text_of(&pdf));
    for expected in [
        "Тест «Числа»",
        "октябрь 2026",
        "9,0 %",
        "140",
        "132",
        "500 ₽",
        "+16,7 %",
        "не достигнута",
        "Приложение",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    assert!(
        squeezed(&text).contains(&squeezed(
            "Достичь показателя «Вовлечённость (ER)» не ниже 7 % к 31.10.2026"
        )),
        "no SMART statement in:\n{text}"
    );
    assert!(
        !text.contains("Воронка продаж"),
        "a spec without a funnel has no funnel section"
    );
}

#[test]
fn report_shows_the_goals_engine() {
    let out = build("tests/fixtures/ok/goals/spec.yaml", "goals-pdf", "pdf");
    let text = folded(&text_of(&out.join("reports/goals/2026-09.pdf")));
    for expected in [
        "Воронка продаж",
        "Допустимая цена заявки",
        "500 ₽",
        "из воронки",
        "сезонность ×1,28",
        "на уровне рынка рынок 23,3–33,6 % оптимум 39,1–62,5 % tiktok",
        "Недельные значения пересчитаны на 30 дн. периода",
        "Сезонность: Осенняя акция",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    assert!(
        squeezed(&text).contains(&squeezed("Получить не меньше 103 по показателю «leads» к 30.09.2026")),
        "no SMART statement in:\n{text}"
    );
}

#[test]
fn names_are_printed_not_executed() {
    let out = build("tests/fixtures/ok/escape/spec.yaml", "escape", "pdf,typ");
    let text = folded(&text_of(&out.join("reports/escape/2026-10.pdf")));
    assert!(text.contains(r##"#read("x") $1 *a* @b <c>"##), "{text}");
    assert!(text.contains(r##"#panic("no") _x_ `y`"##), "{text}");
    let typst = std::fs::read_to_string(out.join("reports/escape/2026-10.typ")).unwrap();
    assert!(
        !typst.contains("#read"),
        "data must not reach the typst source:\n{typst}"
    );
}

#[test]
fn templates_cannot_read_outside_the_spec_folder() {
    let out = out_dir("sandbox");
    let output = kpipress(&[
        "build",
        "tests/fixtures/ok/sandbox/spec.yaml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("typst:") && text.contains("Cargo.toml"), "{text}");
    assert!(!out.join("reports/sandbox/2026-10.pdf").exists());
}

#[test]
fn same_inputs_same_bytes() {
    let first = build("tests/fixtures/ok/numbers/spec.yaml", "determinism-1", "pdf");
    let second = build("tests/fixtures/ok/numbers/spec.yaml", "determinism-2", "pdf");
    let read = |dir: &std::path::Path| std::fs::read(dir.join("reports/numbers/2026-10.pdf")).unwrap();
    assert!(read(&first) == read(&second), "two builds differ");
}

#[test]
fn sections_choose_and_order_the_pages() {
    let out = build("tests/fixtures/ok/sections/spec.yaml", "sections", "pdf");
    let pdf = out.join("reports/sections/2026-10.pdf");
    let pages = pages_of(&pdf);
    assert_eq!(pages.len(), 1, "the appendix follows the scorecard on its page");
    let page = folded(&pages[0]);
    let (scorecard, appendix) = (page.find("Показатели"), page.find("Приложение"));
    assert!(
        scorecard.is_some() && appendix.is_some() && scorecard < appendix,
        "{page}"
    );
    let text = folded(&text_of(&pdf));
    assert!(!text.contains("Итоги периода") && !text.contains("Динамика"), "{text}");
}

/// The demo in its three languages, each with its headings, numbers and statuses.
#[test]
fn the_demo_speaks_each_language() {
    let out = build("specs/clients/*.yaml", "demo-languages", "pdf");
    let cases: [(&str, &[&str]); 3] = [
        (
            "uyut",
            &[
                "Итоги периода",
                "Выводы",
                "Главные изменения",
                "Показатели",
                "Динамика",
                "Воронка продаж",
                "Контент",
                "Лучшие публикации",
                "Слабые публикации",
                "Выполнение целей",
                "Рекомендации",
                "Приложение",
                "27 174",
                "985 ₽",
                "не достигнута",
                "октябрь 2026",
            ],
        ),
        (
            "zerno",
            &[
                "Підсумки періоду",
                "Висновки",
                "Показники",
                "Динаміка",
                "Найкращі публікації",
                "Рекомендації",
                "Додаток",
                "187 ₴",
                "досягнута",
                "жовтень 2026",
            ],
        ),
        (
            "polka",
            &[
                "Summary",
                "Findings",
                "Scorecard",
                "Trends",
                "Best posts",
                "Response by format",
                "Goal attainment",
                "Recommendations",
                "Appendix",
                "20,058",
                "717 ₽",
                "achieved",
                "October 2026",
            ],
        ),
    ];
    for (client, expected) in cases {
        let text = folded(&text_of(&out.join(format!("reports/{client}/2026-10.pdf"))));
        for word in expected {
            assert!(text.contains(word), "{client}: no {word:?} in:\n{text}");
        }
    }
}

/// A 150-character client name and a 300-character caption: the pages stay as many as
/// with a short name, and the caption is cut with an ellipsis.
#[test]
fn long_names_and_captions_keep_the_layout() {
    let out = build("tests/fixtures/ok/content/*.yaml", "content-layout", "pdf");
    let long = pages_of(&out.join("reports/content/2026-10.pdf"));
    let short = pages_of(&out.join("reports/content-short/2026-10.pdf"));
    assert_eq!(long.len(), short.len());
    let text = folded(&long.join("\n"));
    assert!(text.contains("Content") && text.contains("Weakest posts"), "{text}");
    assert!(text.contains("argued about handles, Kitchen…"), "{text}");
    assert!(
        !text.contains("Kitchen makeover in a tiny flat: we measured, drew, argued about handles, Kitchen makeover in")
    );
}

/// Without `content` in the spec, the report has no content section; with every target
/// achieved, no recommendations; without a funnel, no funnel.
#[test]
fn sections_without_data_are_left_out() {
    let out = build("tests/fixtures/ok/content/*.yaml", "content-absent", "pdf");
    let text = folded(&text_of(&out.join("reports/content-none/2026-10.pdf")));
    assert!(text.contains("Scorecard") && text.contains("achieved"), "{text}");
    for absent in ["Weakest posts", "Recommendations", "Sales funnel"] {
        assert!(!text.contains(absent), "{absent:?} in:\n{text}");
    }
}

/// The sandbox is the named spec's folder, whatever its `extends` chain names, and a link
/// inside it that points out is refused by the World's own check, not by typst's `..` rule.
#[cfg(unix)]
#[test]
fn the_sandbox_is_the_spec_folder_and_links_out_are_refused() {
    let dir = out_dir("sandbox-extends");
    // A repository, so that the spec may extend its parent folder's `base.yaml`.
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let client = dir.join("client");
    std::fs::create_dir_all(client.join("template")).unwrap();
    std::fs::write(dir.join("secret.txt"), "the agency's secret").unwrap();
    std::fs::write(dir.join("base.yaml"), "version: 1\n").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.txt"), client.join("link.txt")).unwrap();
    let spec = client.join("spec.yaml");
    let report = "language: en, period: 2026-10, template: ./template";
    super::views_spec(&spec, "extends: ../base.yaml\n", "name: S, slug: s", report);
    let cover = client.join("template/cover.typ.j2");
    for (read, denied) in [("/secret.txt", "not found"), ("/link.txt", "denied")] {
        std::fs::write(&cover, format!("#read(\"{read}\")\n")).unwrap();
        let out = out_dir("sandbox-extends-out");
        let output = super::build_output(&[spec.to_str().unwrap()], &out, "typ,pdf");
        assert_eq!(output.status.code(), Some(2), "{read}: {}", stderr(&output));
        let text = stderr(&output);
        assert!(text.to_lowercase().contains(denied), "{read}: {text}");
        assert!(!text.contains("the agency's secret"), "{text}");
    }
}

/// A spec in a fresh folder named `name` that extends the `numbers` fixture with a
/// template folder holding only `cover.typ`, written as `cover`; its path.
fn numbers_with_cover(name: &str, cover: &str) -> String {
    numbers_with_template_file(name, "cover.typ", cover)
}

/// A spec in a fresh folder named `name` that extends the `numbers` fixture with a
/// template folder holding only `file`, written as `text`; its path.
fn numbers_with_template_file(name: &str, file: &str, text: &str) -> String {
    let dir = out_dir(name);
    std::fs::create_dir_all(dir.join("tpl")).unwrap();
    std::fs::write(dir.join("tpl").join(file), text).unwrap();
    // The fixture is copied beside the spec: a spec reads only its own repository.
    for entry in std::fs::read_dir(super::root().join("tests/fixtures/ok/numbers")).unwrap() {
        let path = entry.unwrap().path();
        let name = path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .replace("spec.yaml", "numbers.yaml");
        std::fs::copy(&path, dir.join(name)).unwrap();
    }
    std::fs::write(
        dir.join("spec.yaml"),
        "extends: numbers.yaml\nreport: { template: ./tpl }\n",
    )
    .unwrap();
    dir.join("spec.yaml").to_str().unwrap().to_owned()
}

/// What typst reads as the report model is, byte for byte, what `--format json` writes:
/// a cover that writes the length and the sum of the bytes of `/_kpipress/report.json`.
#[test]
fn typst_reads_the_json_the_build_writes() {
    let spec = numbers_with_cover(
        "typst-reads-the-json",
        "#let cover(data) = { let b = read(\"/_kpipress/report.json\", encoding: none); page[model #b.len() bytes, sum #array(b).sum()] }\n",
    );
    let out = build(&spec, "typst-reads-the-json-out", "pdf,json");
    let json = std::fs::read(out.join("reports/numbers/2026-10.json")).unwrap();
    let sum: u64 = json.iter().map(|b| u64::from(*b)).sum();
    let cover = folded(&pages_of(&out.join("reports/numbers/2026-10.pdf"))[0]);
    assert!(
        cover.contains(&format!("model {} bytes, sum {sum}", json.len())),
        "{cover}"
    );
}

/// A template folder holding only `cover.typ` changes the cover and nothing else: every
/// other page reads as the built-in template's.
#[test]
fn overriding_the_cover_changes_the_cover_alone() {
    let spec = numbers_with_cover(
        "cover-override-source",
        "#let cover(data) = page(footer: none, align(center + horizon, text(size: 24pt)[Made for #data.client.name by Acme]))\n",
    );
    let plain = build("tests/fixtures/ok/numbers/spec.yaml", "cover-plain", "pdf");
    let changed = build(&spec, "cover-override", "pdf");
    let plain = pages_of(&plain.join("reports/numbers/2026-10.pdf"));
    let changed = pages_of(&changed.join("reports/numbers/2026-10.pdf"));
    assert_eq!(changed.len(), plain.len());
    assert!(
        folded(&changed[0]).contains("Made for Тест «Числа» by Acme"),
        "{}",
        changed[0]
    );
    assert_ne!(folded(&changed[0]), folded(&plain[0]));
    // The appendix names the data files, copied beside the spec.
    let copies = std::path::Path::new(&spec).parent().unwrap().display().to_string();
    for (page, (changed, plain)) in changed.iter().zip(&plain).enumerate().skip(1) {
        let changed = folded(changed).replace(&copies, "tests/fixtures/ok/numbers");
        // The fingerprint names the template, which differs.
        assert_eq!(
            without_digests(&changed),
            without_digests(&folded(plain)),
            "page {}",
            page + 1
        );
    }
}

/// The charts' grid is the theme's: a `theme.typ` of one's own that makes it magenta makes
/// the PDF's grid lines magenta, and one written before the theme had `chart-colors`
/// still builds, with the built-in grey.
#[test]
fn a_theme_of_ones_own_colours_the_charts_grid() {
    let builtin = std::fs::read_to_string(super::root().join("templates/audit/theme.typ")).unwrap();
    let magenta = builtin.replace("(grid: rule,", "(grid: rgb(\"#FF00FF\"),");
    assert_ne!(magenta, builtin);
    let old: String = builtin
        .lines()
        .filter(|l| !l.starts_with("#let chart-colors"))
        .map(|l| format!("{l}\n"))
        .collect();
    let strokes = |theme: &str, name: &str| {
        let spec = numbers_with_template_file(name, "theme.typ", theme);
        let out = build(&spec, &format!("{name}-out"), "pdf");
        magenta_strokes(&out.join("reports/numbers/2026-10.pdf"))
    };
    assert!(strokes(&magenta, "theme-grid") > 0, "no magenta grid line");
    assert_eq!(strokes(&old, "theme-old"), 0);
}

/// A `theme.typ` of one's own alone sets every colour and type size of the report: with
/// every colour of the theme magenta and every size 7.25 pt, the pages (the charts
/// included) paint in magenta and the brand's three colours only, and set text at 7.25 pt
/// only (and formulas at `code`'s 0.8 em of it).
#[test]
fn a_theme_of_ones_own_sets_every_colour_and_size() {
    let builtin = std::fs::read_to_string(super::root().join("templates/audit/theme.typ")).unwrap();
    let mut theme = String::new();
    let mut in_sizes = false;
    for line in builtin.lines() {
        in_sizes = (in_sizes || line.starts_with("#let size = (")) && line != ")";
        let line = match in_sizes {
            true => with_lengths(line, "7.25pt"),
            false => line.to_owned(),
        };
        let line = with_colours(&line.replace("on-color = white", "on-color = rgb(\"#FF00FF\")"));
        theme.push_str(&line);
        theme.push('\n');
    }
    let spec = numbers_with_template_file("theme-everything", "theme.typ", &theme);
    let out = build(&spec, "theme-everything-out", "pdf");
    let (colours, sizes) = paint_and_sizes(&out.join("reports/numbers/2026-10.pdf"));
    // The brand's colours (the fixture keeps kpipress's default brand) come from the spec.
    let allowed = ["#ff00ff", "#0b5fff", "#ffb800", "#1a1a1a"];
    let others: Vec<&String> = colours.iter().filter(|c| !allowed.contains(&c.as_str())).collect();
    assert!(others.is_empty(), "colours the theme did not set: {others:?}");
    assert!(colours.contains("#ff00ff"), "{colours:?}");
    assert!(sizes.contains("7.25"), "{sizes:?}");
    let others: Vec<&String> = sizes
        .iter()
        .filter(|s| !["7.25", "5.8"].contains(&s.as_str()))
        .collect();
    assert!(
        others.is_empty(),
        "type sizes the theme did not set: {others:?} of {sizes:?}"
    );
}

/// `line` with every `rgb("#…")` magenta.
fn with_colours(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("rgb(\"#") {
        let end = at + rest[at..].find("\")").unwrap() + 2;
        out.push_str(&rest[..at]);
        out.push_str("rgb(\"#FF00FF\")");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `line` with every length in points `length`.
fn with_lengths(line: &str, length: &str) -> String {
    line.split(' ')
        .map(|word| match word.trim_end_matches(',').strip_suffix("pt") {
            Some(number) if number.parse::<f64>().is_ok() => {
                format!("{length}{}", &word[word.trim_end_matches(',').len()..])
            }
            _ => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The colours a PDF's pages fill and stroke with (three-component `scn`/`SCN`, as
/// `#rrggbb`), and the sizes they set text at (`Tf`), rounded to hundredths.
fn paint_and_sizes(pdf: &std::path::Path) -> (std::collections::BTreeSet<String>, std::collections::BTreeSet<String>) {
    let document = pdf_extract::Document::load(pdf).expect("the PDF loads");
    let (mut colours, mut sizes) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    for page in document.get_pages().values() {
        let content = document.get_page_content(*page).expect("a page's content decodes");
        let text = String::from_utf8_lossy(&content);
        let words: Vec<&str> = text.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            let number = |back: usize| words.get(i.wrapping_sub(back)).and_then(|w| w.parse::<f64>().ok());
            match *word {
                "scn" | "SCN" => {
                    if let (Some(r), Some(g), Some(b)) = (number(3), number(2), number(1)) {
                        let byte = |v: f64| (v * 255.0).round() as u8;
                        colours.insert(format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b)));
                    }
                }
                "Tf" => {
                    if let Some(size) = number(1) {
                        sizes.insert(format!("{}", (size * 100.0).round() / 100.0));
                    }
                }
                _ => {}
            }
        }
    }
    (colours, sizes)
}

/// How often the PDF's pages stroke in magenta (`1 0 1 SCN` in typst's content streams).
fn magenta_strokes(pdf: &std::path::Path) -> usize {
    let document = pdf_extract::Document::load(pdf).expect("the PDF loads");
    let needle = b"1 0 1 SCN";
    document
        .get_pages()
        .values()
        .map(|page| {
            let content = document.get_page_content(*page).expect("a page's content decodes");
            content.windows(needle.len()).filter(|w| w == needle).count()
        })
        .sum()
}

/// typst's warnings reach the build's log, naming the template file and line.
#[test]
fn typst_warnings_are_printed() {
    let spec = numbers_with_cover(
        "typst-warning-source",
        "#let cover(data) = page(footer: none)[\n  #text(font: \"No Such Family\")[#data.client.name]\n]\n",
    );
    let out = out_dir("typst-warning");
    let output = super::build_output(&[&spec], &out, "pdf");
    let log = stderr(&output);
    assert!(output.status.success(), "{log}");
    assert!(log.contains("warning: numbers: typst: "), "{log}");
    assert!(
        log.contains("cover.typ:2: unknown font family: no such family"),
        "{log}"
    );
}

/// `text` with every BLAKE3 digest (64 hex digits) written `[digest]`.
pub fn without_digests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        if run.len() == 64 {
            out.push_str("[digest]");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}
