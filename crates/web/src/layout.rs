//! Putting a page together: `pages/layout.html` holds what every page
//! shares (the `<head>`, the site header, the toasts); a page's own file
//! holds its `<title>` and scripts, then its `<main>`. Placeholders such as
//! `{{nameMax}}` take the API's limits as the page is assembled, so a page
//! never repeats a number the server decides.

use crate::limits::Limits;

/// Where a page file's body begins; what comes before goes into `<head>`.
const MAIN: &str = "<main";

/// The page whose own file is `own`, inside `layout`.
pub(crate) fn assemble(layout: &str, own: &str, limits: &Limits) -> String {
    let own = fill(own, &|name| limits.get(name));
    let (head, main) = own.split_at(own.find(MAIN).unwrap_or(own.len()));
    let json = limits.json_attribute();
    fill(layout, &|name| match name {
        "head" => Some(head.trim_end().to_owned()),
        "main" => Some(main.trim_end().to_owned()),
        "limits" => Some(json.clone()),
        _ => limits.get(name),
    })
}

/// `template` with each `{{name}}` that `value` knows replaced. An unknown
/// one stays as written, for the tests over every page to find: the files
/// are embedded, so no input at run time can bring a new one.
fn fill(template: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let end = start + 2 + len + 2;
        out.push_str(&rest[..start]);
        match value(&rest[start + 2..end - 2]) {
            Some(filled) => out.push_str(&filled),
            None => out.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::tests::SAMPLE;

    const LAYOUT: &str = "<head>{{head}}<meta content=\"{{limits}}\"></head><body>{{main}}</body>";

    #[test]
    fn the_title_goes_into_the_head_and_main_into_the_body() {
        let page = assemble(
            LAYOUT,
            "<title>T</title>\n<script src=\"/assets/t.js\"></script>\n<main id=\"main\">x</main>\n",
            &SAMPLE,
        );
        assert!(page.starts_with(
            "<head><title>T</title>\n<script src=\"/assets/t.js\"></script><meta content=\"{&quot;nameMax&quot;:201,"
        ));
        assert!(
            page.ends_with("<body><main id=\"main\">x</main></body>"),
            "{page}"
        );
    }

    #[test]
    fn limits_are_filled_and_unknown_names_left_for_the_tests_to_see() {
        let page = assemble(
            LAYOUT,
            "<main><input maxlength=\"{{nameMax}}\">{{nope}} {{searchMax}}</main>",
            &SAMPLE,
        );
        assert!(
            page.contains("<main><input maxlength=\"201\">{{nope}} 101</main>"),
            "{page}"
        );
    }

    #[test]
    fn a_limit_filled_in_is_not_read_again_as_a_placeholder() {
        assert_eq!(fill("{{a}}{{b", &|_| Some("{{b}}".to_owned())), "{{b}}{{b");
    }
}
