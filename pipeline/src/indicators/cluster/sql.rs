//! The SQL of the first pass on the cluster, generated from the resolved
//! indicators: one aggregate over the dataset's table, grouped by the
//! design's keys (stratum, PSU, fpc) and, through grouping sets, by each
//! breakdown's variables, with per target the sums the local pass keeps in
//! a [`crate::survey::accumulate::Cell`]:
//!
//! - rows in the subpopulation (`where`, dates) — `n_any`;
//! - of those with a value (and a denominator): rows `n`, Σw `w`, Σw·x `sw`,
//!   Σw·y `swy` and, unless the values are 0/1, Σw·y² `swyy`.
//!
//! Values are converted as the local evaluation converts them
//! ([`crate::indicators::evaluate`]): a condition is 1/0 with unknown as
//! missing (a count: unknown is false), numbers are doubles with NULL and
//! NaN missing, and a row whose breakdown value is NULL is in none of that
//! breakdown's domains. Every variable also has a grouping set of its own,
//! so that its values are all known even where a cross leaves some out.
//! The same groups carry the weights' count, Σ, population variance and
//! extremes (for the weighting diagnostics) and a count of invalid
//! weights.
//!
//! Every group is also split by source file (`__file`), each file read by
//! one task in its row order: a group's sums are then made in one place, in
//! one order, and the client adds the files' sums in file order — the same
//! digits every run, whatever order the cluster's tasks finish in.

use crate::indicators::evaluate::{Part, reads};
use crate::indicators::statistics::Reads;
use crate::spec::model::{IndicatorSpec, Variable};

/// The name the dataset's `i`-th file is registered under.
pub fn part(i: usize) -> String {
    format!("mizan_part_{i}")
}

/// The column of the result that numbers the source file.
pub const FILE: &str = "__file";

/// The dataset's `files` files, each row with its file's number, as one
/// relation (`columns`: every file's, by name — a file without one of them
/// fails to plan, rather than have columns matched by position).
pub fn dataset(files: usize, columns: &[String]) -> String {
    let list: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    let parts: Vec<String> = (0..files)
        .map(|i| {
            format!(
                "SELECT {}, CAST({i} AS BIGINT) AS {FILE} FROM {}",
                list.join(", "),
                part(i)
            )
        })
        .collect();
    format!("({}) AS mizan_dataset", parts.join(" UNION ALL "))
}

/// `name` as a quoted SQL identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The generated pass: its query and how to read its result.
#[derive(Debug, Clone)]
pub struct Pass {
    /// The aggregate.
    pub query: String,
    /// The median weight (its own exact plan: not decomposable).
    pub median: String,
    /// Per variable (in the order given), the column of its `GROUPING()`.
    pub grouping: Vec<String>,
}

/// Columns of the result, per target `t`.
pub fn sum_column(t: usize, sum: &str) -> String {
    format!("__t{t}_{sum}")
}

/// The weights' columns of the result.
pub const ROWS: &str = "__rows";
/// Σw of a group.
pub const W_SUM: &str = "__w_sum";
/// The population variance of a group's weights.
pub const W_VAR: &str = "__w_var";
/// The least weight of a group.
pub const W_MIN: &str = "__w_min";
/// The largest weight of a group.
pub const W_MAX: &str = "__w_max";
/// Rows of a group whose weight is missing, infinite, NaN or negative.
pub const W_BAD: &str = "__w_bad";

/// The pass over `from` (as [`dataset`] gives it), by `keys` (design
/// columns), weight column `weight` and variables `vars` for `inds`, whose
/// parts are `parts[i]` (as [`crate::indicators::evaluate::parts`] gives
/// them).
pub fn pass(
    from: &str,
    keys: &[String],
    weight: &str,
    vars: &[&Variable],
    inds: &[&IndicatorSpec],
    parts: &[Vec<Part>],
) -> Pass {
    let w = format!("CAST({} AS DOUBLE)", quote(weight));
    let mut select: Vec<String> = keys.iter().map(|k| quote(k)).collect();
    select.extend(vars.iter().map(|v| quote(&v.column)));
    let grouping: Vec<String> = (0..vars.len()).map(|j| format!("__g{j}")).collect();
    for (v, g) in vars.iter().zip(&grouping) {
        select.push(format!("GROUPING({}) AS {g}", quote(&v.column)));
    }
    select.extend([
        format!("COUNT(*) AS {ROWS}"),
        format!("SUM({w}) AS {W_SUM}"),
        format!("VAR_POP({w}) AS {W_VAR}"),
        format!("MIN({w}) AS {W_MIN}"),
        format!("MAX({w}) AS {W_MAX}"),
        // Under IEEE or total order alike: below -0.0 is negative.
        format!(
            "SUM(CASE WHEN {w} IS NULL OR isnan({w}) OR {w} < CAST('-0.0' AS DOUBLE) OR {w} = CAST('Infinity' AS DOUBLE) THEN 1 ELSE 0 END) AS {W_BAD}"
        ),
    ]);
    for (t, (ind, parts)) in inds.iter().zip(parts).enumerate() {
        select.extend(target_sums(t, ind, parts, &w));
    }
    select.push(FILE.to_string());
    let key_list: Vec<String> = keys
        .iter()
        .map(|k| quote(k))
        .chain([FILE.to_string()])
        .collect();
    let group_by = if vars.is_empty() {
        key_list.join(", ")
    } else {
        let sets: Vec<String> = grouping_sets(vars, inds)
            .into_iter()
            .map(|set| {
                let cols = key_list
                    .iter()
                    .cloned()
                    .chain(set.iter().map(|&j| quote(&vars[j].column)));
                format!("({})", cols.collect::<Vec<_>>().join(", "))
            })
            .collect();
        format!("GROUPING SETS ({})", sets.join(", "))
    };
    Pass {
        query: format!(
            "SELECT {} FROM {from} GROUP BY {group_by}",
            select.join(", ")
        ),
        median: format!("SELECT MEDIAN({w}) AS m FROM {from}"),
        grouping,
    }
}

/// The grouping sets (indices into `vars`): none (overall), each variable
/// alone, and each breakdown's variables.
pub fn grouping_sets(vars: &[&Variable], inds: &[&IndicatorSpec]) -> Vec<Vec<usize>> {
    let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
    sets.extend((0..vars.len()).map(|j| vec![j]));
    for b in inds.iter().flat_map(|i| &i.by) {
        let mut set: Vec<usize> = b
            .iter()
            .filter_map(|v| vars.iter().position(|w| *w == v))
            .collect();
        set.sort_unstable();
        set.dedup();
        if !sets.contains(&set) {
            sets.push(set);
        }
    }
    sets
}

/// The sums of target `t` (indicator `ind`, its `parts`), weight `w`.
fn target_sums(t: usize, ind: &IndicatorSpec, parts: &[Part], w: &str) -> Vec<String> {
    let part = |alias: &str| parts.iter().find(|p| p.alias == alias).map(|p| &p.sql);
    let y = match (part("__y"), reads(ind)) {
        // No expression: every row counts 1 (a count of rows).
        (None, _) => "1.0".to_string(),
        (Some(e), Reads::Condition) => {
            format!("(CASE WHEN ({e}) THEN 1.0 WHEN NOT ({e}) THEN 0.0 END)")
        }
        (Some(e), Reads::CountedCondition) => format!("(CASE WHEN ({e}) THEN 1.0 ELSE 0.0 END)"),
        (Some(e), Reads::Number | Reads::Text) => format!("CAST(({e}) AS DOUBLE)"),
    };
    let x = part("__x").map(|e| format!("CAST(({e}) AS DOUBLE)"));
    let conditions: Vec<String> = ["__where", "__range"]
        .iter()
        .filter_map(|a| part(a))
        .map(|e| format!("COALESCE(({e}), FALSE)"))
        .collect();
    let within = if conditions.is_empty() {
        "TRUE".to_string()
    } else {
        conditions.join(" AND ")
    };
    let present = |v: &str| format!("{v} IS NOT NULL AND NOT isnan({v})");
    let mut has = format!("{within} AND {}", present(&y));
    if let Some(x) = &x {
        has += &format!(" AND {}", present(x));
    }
    let binary = matches!(reads(ind), Reads::Condition | Reads::CountedCondition);
    let sum = |value: &str, name: &str| {
        format!(
            "SUM(CASE WHEN {has} THEN {value} ELSE 0.0 END) AS {}",
            sum_column(t, name)
        )
    };
    let mut out = vec![
        format!(
            "SUM(CASE WHEN {within} THEN 1 ELSE 0 END) AS {}",
            sum_column(t, "n_any")
        ),
        format!(
            "SUM(CASE WHEN {has} THEN 1 ELSE 0 END) AS {}",
            sum_column(t, "n")
        ),
        sum(w, "w"),
        sum(&format!("{w} * {y}"), "swy"),
    ];
    if let Some(x) = &x {
        out.push(sum(&format!("{w} * {x}"), "sw"));
    }
    if !binary {
        out.push(sum(&format!("{w} * {y} * {y}"), "swyy"));
    }
    out
}
