//! Text diagrams for the guides: a small line-based source rendered to a fenced `text` block,
//! which every Markdown renderer (the Terraform registry included) shows as it is.
//!
//! Source format, one statement per line (`#` starts a comment):
//!
//! ```text
//! diagram API-key model
//! left  Local deployment | keystore: cluster.remote.<alias>.credentials | alias <alias>
//! right Remote deployment | cross-cluster API key
//! arrow -> connects to <endpoint>:9443
//! arrow <- answers within the key's access
//! ```
//!
//! Each `diagram` is two boxes side by side (`left`, `right`: a title and lines separated by
//! `|`) with the arrows (`->`, `<-` or `<->`, then a label) between them, top to bottom.

/// One diagram being parsed.
#[derive(Debug, Default)]
struct Diagram {
    title: String,
    left: Vec<String>,
    right: Vec<String>,
    arrows: Vec<(String, String)>,
}

fn cells(rest: &str) -> Vec<String> {
    rest.split('|').map(|c| c.trim().to_string()).collect()
}

fn parse(source: &str) -> Result<Vec<Diagram>, String> {
    let mut out: Vec<Diagram> = Vec::new();
    for (i, raw) in source.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        if word == "diagram" {
            out.push(Diagram {
                title: rest.to_string(),
                ..Diagram::default()
            });
            continue;
        }
        let Some(d) = out.last_mut() else {
            return Err(format!("line {}: `{word}` before any `diagram`", i + 1));
        };
        match word {
            "left" => d.left = cells(rest),
            "right" => d.right = cells(rest),
            "arrow" => {
                let (dir, label) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                if !matches!(dir, "->" | "<-" | "<->") {
                    return Err(format!(
                        "line {}: an arrow is `->`, `<-` or `<->`, not {dir:?}",
                        i + 1
                    ));
                }
                d.arrows.push((dir.to_string(), label.trim().to_string()));
            }
            other => return Err(format!("line {}: unknown statement {other:?}", i + 1)),
        }
    }
    for d in &out {
        if d.left.is_empty() || d.right.is_empty() {
            return Err(format!(
                "diagram {:?} needs a `left` and a `right` box",
                d.title
            ));
        }
    }
    if out.is_empty() {
        return Err("no `diagram` in the source".into());
    }
    Ok(out)
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The rows of one box (title, rule, lines), `rows` content rows high, with borders.
fn boxed(cells: &[String], rows: usize) -> Vec<String> {
    let inner = cells.iter().map(|c| width(c)).max().unwrap_or(0) + 2;
    let edge = format!("+{}+", "-".repeat(inner));
    let mut out = vec![edge.clone()];
    for r in 0..rows {
        let text = match r {
            0 => cells[0].clone(),
            1 => "-".repeat(inner - 2),
            _ => cells.get(r - 1).cloned().unwrap_or_default(),
        };
        out.push(format!("| {} |", pad(&text, inner - 2)));
    }
    out.push(edge);
    out
}

fn render_one(d: &Diagram) -> String {
    let rows = (d.left.len().max(d.right.len()) + 1).max(1 + 2 * d.arrows.len());
    let left = boxed(&d.left, rows);
    let right = boxed(&d.right, rows);
    let gap = d
        .arrows
        .iter()
        .map(|(_, l)| width(l))
        .max()
        .unwrap_or(0)
        .max(8)
        + 4;
    // The middle column, row by row: a label above each arrow.
    let mut middle = vec![String::new(); rows + 2];
    for (k, (dir, label)) in d.arrows.iter().enumerate() {
        let row = 3 + 2 * k;
        middle[row - 1] = format!("  {label}");
        let shaft = "-".repeat(gap - 4);
        middle[row] = match dir.as_str() {
            "->" => format!(" {shaft}-> "),
            "<-" => format!(" <-{shaft} "),
            _ => format!(" <{shaft}> "),
        };
    }
    let mut out = String::new();
    if !d.title.is_empty() {
        out.push_str(&format!("{}\n\n", d.title));
    }
    for i in 0..rows + 2 {
        let line = format!("{}{}{}", left[i], pad(&middle[i], gap), right[i]);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Renders every diagram of `source` into one fenced `text` block, diagrams separated by a
/// blank line.
pub fn render(source: &str) -> Result<String, String> {
    let diagrams = parse(source)?;
    let body: Vec<String> = diagrams.iter().map(render_one).collect();
    Ok(format!("```text\n{}```", body.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_boxes_with_labelled_arrows() {
        let out = render(
            "# c\ndiagram T\nleft L | a\nright R | bb | c\narrow -> to 9443\narrow <- back\n",
        )
        .expect("render");
        let want = "```text\nT\n\n\
+---+            +----+
| L |            | R  |
| - |  to 9443   | -- |
| a | ---------> | bb |
|   |  back      | c  |
|   | <--------- |    |
+---+            +----+
```";
        assert_eq!(out, want);
    }

    #[test]
    fn errors_name_the_line() {
        assert!(render("left x").unwrap_err().contains("line 1"));
        assert!(
            render("diagram a\nleft x\nright y\narrow => z")
                .unwrap_err()
                .contains("line 4")
        );
        assert!(
            render("diagram a\nleft x")
                .unwrap_err()
                .contains("needs a `left` and a `right`")
        );
        assert!(render("# nothing").unwrap_err().contains("no `diagram`"));
    }
}
