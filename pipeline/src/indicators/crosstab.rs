//! `[[crosstabs]]`: design-based two-way tables and their tests of
//! independence, as R's `svytable`/`svyby` and `svychisq` compute them.
//! Each cell is a proportion (of its row, its column or the whole table)
//! with its design-based SE, interval and reliability flag, estimated by
//! the same pass and estimators as the indicators. The test is Pearson's
//! X² on the weighted table with Rao and Scott's correction — the design
//! effects Δ of the table's interaction contrasts, from the design
//! covariance of the cell proportions — or the design-based Wald test of
//! those contrasts from the covariance of the cell, margin and grand totals.

use std::collections::BTreeMap;

use polars::prelude::*;
use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor};

use super::domains;
use crate::error::{Error, Result, choices};
use crate::spec::model::{CiMethod, CrosstabSpec, Language, Percent, Study, Test};
use crate::survey::accumulate::{Breakdown, Target, Values};
use crate::survey::columns::MISSING;
use crate::survey::design::PreparedDesign;
use crate::survey::estimate::{Estimate, Form, Interval, covariance, estimate};
use crate::survey::linalg::solve;

/// One cell of `crosstabs.parquet`.
#[derive(Debug, Clone)]
pub struct CellRow {
    /// The crosstab's id.
    pub crosstab: String,
    /// The row's value.
    pub row: String,
    /// The column's value.
    pub column: String,
    /// The cell's proportion (of its row, column or the table) and its uncertainty.
    pub est: Estimate,
}

/// One row of `tests.parquet`: a crosstab's test of independence.
#[derive(Debug, Clone, PartialEq)]
pub struct TestRow {
    /// The crosstab's id.
    pub crosstab: String,
    /// `F`, `Chisq`, `Wald` or `adjWald`.
    pub test: &'static str,
    /// The statistic: F, or Pearson's X² for `Chisq` (as svychisq reports it).
    pub statistic: f64,
    /// Numerator degrees of freedom (the χ²'s for `Chisq`).
    pub ndf: f64,
    /// Denominator degrees of freedom (none for `Chisq`).
    pub ddf: Option<f64>,
    /// The p-value.
    pub p_value: f64,
}

/// Every crosstab of `study` over the ingested `data`.
pub fn compute(
    study: &Study,
    data: &BTreeMap<String, DataFrame>,
) -> Result<(Vec<CellRow>, Vec<TestRow>)> {
    let mut cells = Vec::new();
    let mut tests = Vec::new();
    for c in &study.crosstabs {
        let (_, df, design) = super::survey_design(study, data, &c.dataset, "crosstab")?;
        let (mut c_cells, test) = one(study, c, df, &design)?;
        cells.append(&mut c_cells);
        tests.extend(test);
    }
    Ok((cells, tests))
}

/// The table's variables and rows, as the estimation pass reads them.
struct Table {
    rows: domains::Variable,
    columns: domains::Variable,
    /// Per row: in the subpopulation (`where`).
    mask: Option<Vec<bool>>,
    /// Rows of the dataset.
    n: usize,
}

impl Table {
    fn read(c: &CrosstabSpec, df: &DataFrame) -> Result<Self> {
        let err = |m: String| Error::Spec {
            location: Some(c.location.clone()),
            message: format!("crosstab `{}`: {m}", c.id),
        };
        let with_derived = super::evaluate::derive(df, &c.derived, &c.dataset, &err)?;
        let df = with_derived.as_ref().unwrap_or(df);
        for v in [&c.rows, &c.columns] {
            if df.column(&v.column).is_err() {
                return Err(err(format!(
                    "column `{}` not found in dataset `{}` — columns are: {}",
                    v.column,
                    c.dataset,
                    choices(df.get_column_names())
                )));
            }
        }
        let mask = super::evaluate::where_mask(df, c.where_.as_deref(), &c.dataset, &err)?;
        Ok(Table {
            rows: domains::variable(df, &c.rows)?,
            columns: domains::variable(df, &c.columns)?,
            mask,
            n: df.height(),
        })
    }

    /// The row's codes (row, column), or `None` when either is missing.
    fn codes(&self, row: usize) -> Option<(u32, u32)> {
        let (r, c) = (self.rows.codes.get(row), self.columns.codes.get(row));
        (r != Breakdown::NONE && c != Breakdown::NONE).then_some((r, c))
    }

    /// Flags per row of `hit(row code, column code)`, missing where either
    /// variable is.
    fn flags(&self, hit: impl Fn(u32, u32) -> bool) -> Vec<u8> {
        (0..self.rows.codes.len())
            .map(|i| self.codes(i).map_or(MISSING, |(r, c)| u8::from(hit(r, c))))
            .collect()
    }
}

/// One crosstab: its cells and its test.
fn one(
    study: &Study,
    c: &CrosstabSpec,
    df: &DataFrame,
    design: &PreparedDesign,
) -> Result<(Vec<CellRow>, Option<TestRow>)> {
    let table = Table::read(c, df)?;
    let (nr, nc) = (table.rows.values.len(), table.columns.values.len());
    let k = nr * nc;
    // Targets, in order: the K cells (R's order: rows vary fastest), then
    // the row and column margins and the grand total (for the Wald test),
    // then what the cells show (row or column percentages).
    let mut flags: Vec<Vec<u8>> = Vec::new();
    for j in 0..nc as u32 {
        for i in 0..nr as u32 {
            flags.push(table.flags(|r, c| r == i && c == j));
        }
    }
    for i in 0..nr as u32 {
        flags.push(table.flags(|r, _| r == i));
    }
    for j in 0..nc as u32 {
        flags.push(table.flags(|_, c| c == j));
    }
    flags.push(table.flags(|_, _| true));
    let breakdowns = vec![
        Breakdown::Overall,
        Breakdown::Codes {
            codes: table.rows.codes.clone(),
            n_domains: nr,
        },
        Breakdown::Codes {
            codes: table.columns.codes.clone(),
            n_domains: nc,
        },
    ];
    let targets: Vec<Target> = flags
        .iter()
        .enumerate()
        .map(|(t, f)| Target {
            y: Values::Flags(f),
            x: None,
            mask: table.mask.as_deref(),
            binary: true,
            breakdowns: match c.percent {
                // A row's share of a column value: the column's flag by row.
                Percent::Row if (k + nr..k + nr + nc).contains(&t) => vec![0, 1],
                Percent::Column if (k..k + nr).contains(&t) => vec![0, 2],
                _ => vec![0],
            },
        })
        .collect();
    let sums = design.sums(&breakdowns, &targets);
    let level = 0.95;
    let interval = Interval::Proportion(CiMethod::Logit);
    let proportion = |t: usize, b: usize, d: usize| {
        estimate(
            design,
            sums.domain(t, b, d),
            Form::Mean,
            interval,
            level,
            &study.reliability,
        )
    };
    let mut cells = Vec::with_capacity(k);
    for i in 0..nr {
        for j in 0..nc {
            let est = match c.percent {
                Percent::Row => proportion(k + nr + j, 1, i),
                Percent::Column => proportion(k + i, 1, j),
                Percent::Cell => proportion(j * nr + i, 0, 0),
            };
            cells.push(CellRow {
                crosstab: c.id.clone(),
                row: table.rows.values[i].clone(),
                column: table.columns.values[j].clone(),
                est,
            });
        }
    }
    if let Some(rules) = &study.disclosure {
        let mut counts = vec![0u64; k];
        for row in 0..table.n {
            if table.mask.as_ref().is_some_and(|m| !m[row]) {
                continue;
            }
            if let Some((r, col)) = table.codes(row) {
                counts[r as usize * nc + col as usize] += 1;
            }
        }
        let hidden =
            crate::disclosure::crosstab::protect(rules, c.percent, (nr, nc), &counts, &cells)
                .map_err(|e| Error::Estimation {
                    indicator: c.id.clone(),
                    message: format!("disclosure control: {e}"),
                })?;
        for cell in hidden {
            cells[cell].est = crate::disclosure::confidential();
        }
    }
    // As R's `svychisq` on a subset design: a subset drops the rows outside
    // it — N is its rows and ν its degrees of freedom (PSUs holding a row
    // of it less its strata, or the rank of its replicate weights less
    // one) — except that a calibrated design keeps every row (weighted 0).
    let (n, nu) = match (&table.mask, design.calibration()) {
        (Some(m), None) => (
            m.iter().filter(|x| **x).count(),
            proportion(k + nr + nc, 0, 0)
                .df
                .unwrap_or_else(|| design.degf()),
        ),
        _ => (table.n, design.degf()),
    };
    let test = match c.test {
        Test::F | Test::Chisq => {
            let cell_sums: Vec<_> = (0..k).map(|t| sums.domain(t, 0, 0)).collect();
            let refs: Vec<_> = cell_sums.iter().collect();
            covariance(design, Form::Mean, &refs)
                .and_then(|(p, v)| rao_scott(&p, &v, nr, nc, n as f64, nu, c.test))
        }
        Test::Wald | Test::AdjWald => {
            let total_sums: Vec<_> = (0..k + nr + nc + 1).map(|t| sums.domain(t, 0, 0)).collect();
            let refs: Vec<_> = total_sums.iter().collect();
            covariance(design, Form::Total, &refs)
                .and_then(|(t, v)| wald(&t, &v, nr, nc, nu, c.test))
        }
    };
    Ok((
        cells,
        test.map(|(statistic, ndf, ddf, p_value)| TestRow {
            crosstab: c.id.clone(),
            test: c.test.name(),
            statistic,
            ndf,
            ddf,
            p_value,
        }),
    ))
}

/// Pearson's X² of the cell proportions `p` (rows fastest) on a table of
/// `n`, with Rao and Scott's correction from their covariance `v`, as
/// `svychisq`: X²/tr Δ as an F on d₀ = (tr Δ)²/tr Δ² and d₀·ν degrees of
/// freedom, or X² against χ² on (r−1)(c−1) after dividing by the mean
/// design effect. Rows and columns without weight are left out.
fn rao_scott(
    p: &[f64],
    v: &[f64],
    nr: usize,
    nc: usize,
    n: f64,
    nu: f64,
    test: Test,
) -> Option<(f64, f64, Option<f64>, f64)> {
    let k = nr * nc;
    let row: Vec<f64> = (0..nr)
        .map(|i| (0..nc).map(|j| p[j * nr + i]).sum())
        .collect();
    let col: Vec<f64> = (0..nc)
        .map(|j| (0..nr).map(|i| p[j * nr + i]).sum())
        .collect();
    let rows: Vec<usize> = (0..nr).filter(|i| row[*i] > 0.0).collect();
    let cols: Vec<usize> = (0..nc).filter(|j| col[*j] > 0.0).collect();
    let (r, c) = (rows.len(), cols.len());
    if r < 2 || c < 2 {
        return None;
    }
    // The kept cells, rows fastest, with their places in `p`.
    let kept: Vec<(usize, usize, usize)> = cols
        .iter()
        .enumerate()
        .flat_map(|(b, &j)| {
            rows.iter()
                .enumerate()
                .map(move |(a, &i)| (a, b, j * nr + i))
        })
        .collect();
    let total: f64 = p.iter().sum();
    let mut x2 = 0.0;
    for &(_, _, at) in &kept {
        let (i, j) = (at % nr, at / nr);
        let expected = row[i] * col[j] / total * n;
        let observed = p[at] / total * n;
        x2 += (observed - expected) * (observed - expected) / expected;
    }
    // The interaction contrasts: the interaction dummies less their
    // projection on the main effects (any basis of that space gives the
    // same Δ traces).
    let cells = kept.len();
    let q = 1 + (r - 1) + (c - 1);
    let main = |a: usize, b: usize| -> Vec<f64> {
        let mut x = vec![0.0; q];
        x[0] = 1.0;
        if a > 0 {
            x[a] = 1.0;
        }
        if b > 0 {
            x[r - 1 + b] = 1.0;
        }
        x
    };
    let x1: Vec<Vec<f64>> = kept.iter().map(|&(a, b, _)| main(a, b)).collect();
    let mut xtx = vec![0.0; q * q];
    for x in &x1 {
        for s in 0..q {
            for t in 0..q {
                xtx[s * q + t] += x[s] * x[t];
            }
        }
    }
    let m = (r - 1) * (c - 1);
    let mut cmat = vec![vec![0.0; m]; cells];
    for a in 1..r {
        for b in 1..c {
            let col_index = (b - 1) * (r - 1) + (a - 1);
            let z: Vec<f64> = kept
                .iter()
                .map(|&(x, y, _)| f64::from(u8::from(x == a && y == b)))
                .collect();
            let xtz: Vec<f64> = (0..q)
                .map(|s| x1.iter().zip(&z).map(|(x, z)| x[s] * z).sum())
                .collect();
            let beta = solve(&xtx, q, &xtz);
            for (row, (x, z)) in cmat.iter_mut().zip(x1.iter().zip(&z)) {
                row[col_index] = z - x.iter().zip(&beta).map(|(x, b)| x * b).sum::<f64>();
            }
        }
    }
    // Δ = (C' D⁻¹ C / n)⁻¹ C' D⁻¹ V D⁻¹ C, D the diagonal of the cell proportions.
    // An empty cell weighs nothing (R: `ifelse(mean2 == 0, 0, 1/mean2)`).
    let inv: Vec<f64> = kept
        .iter()
        .map(|&(_, _, at)| if p[at] == 0.0 { 0.0 } else { 1.0 / p[at] })
        .collect();
    let mut denom = vec![0.0; m * m];
    let mut numr = vec![0.0; m * m];
    for s in 0..m {
        for t in 0..m {
            let mut d = 0.0;
            let mut e = 0.0;
            for (u, &(_, _, at_u)) in kept.iter().enumerate() {
                let cu = cmat[u][s] * inv[u];
                d += cu * cmat[u][t] / n;
                for (w, &(_, _, at_w)) in kept.iter().enumerate() {
                    e += cu * v[at_u * k + at_w] * inv[w] * cmat[w][t];
                }
            }
            denom[s * m + t] = d;
            numr[s * m + t] = e;
        }
    }
    let mut delta = vec![0.0; m * m];
    for t in 0..m {
        let column: Vec<f64> = (0..m).map(|s| numr[s * m + t]).collect();
        for (s, x) in solve(&denom, m, &column).into_iter().enumerate() {
            delta[s * m + t] = x;
        }
    }
    let trace: f64 = (0..m).map(|s| delta[s * m + s]).sum();
    let trace2: f64 = (0..m)
        .flat_map(|s| (0..m).map(move |t| (s, t)))
        .map(|(s, t)| delta[s * m + t] * delta[t * m + s])
        .sum();
    match test {
        Test::Chisq => {
            let chi = ChiSquared::new(m as f64).ok()?;
            Some((x2, m as f64, None, chi.sf(x2 / (trace / m as f64))))
        }
        _ => {
            let d0 = trace * trace / trace2;
            let f = x2 / trace;
            let dist = FisherSnedecor::new(d0, d0 * nu).ok()?;
            Some((f, d0, Some(d0 * nu), dist.sf(f)))
        }
    }
}

/// The design-based Wald test of the interaction, as `svychisq`'s `Wald`
/// and `adjWald`: `totals` are the K cell totals (rows fastest), the row
/// and column margins and the grand total, `v` their covariance.
fn wald(
    totals: &[f64],
    v: &[f64],
    nr: usize,
    nc: usize,
    nu: f64,
    test: Test,
) -> Option<(f64, f64, Option<f64>, f64)> {
    let k = nr * nc;
    let size = k + nr + nc + 1;
    let grand = totals[size - 1];
    let (row, col) = (&totals[k..k + nr], &totals[k + nr..k + nr + nc]);
    // Y_k = cell − row·column / total, and its Jacobian in the totals.
    let mut y = vec![0.0; k];
    let mut jac = vec![vec![0.0; size]; k];
    for j in 0..nc {
        for i in 0..nr {
            let at = j * nr + i;
            y[at] = totals[at] - row[i] * col[j] / grand;
            jac[at][at] = 1.0;
            jac[at][k + i] = -col[j] / grand;
            jac[at][k + nr + j] = -row[i] / grand;
            jac[at][size - 1] = row[i] * col[j] / (grand * grand);
        }
    }
    let used: Vec<usize> = (1..nc)
        .flat_map(|j| (1..nr).map(move |i| j * nr + i))
        .collect();
    let m = used.len();
    let mut vy = vec![0.0; m * m];
    for (s, &a) in used.iter().enumerate() {
        for (t, &b) in used.iter().enumerate() {
            let mut sum = 0.0;
            for u in 0..size {
                if jac[a][u] == 0.0 {
                    continue;
                }
                for w in 0..size {
                    sum += jac[a][u] * v[u * size + w] * jac[b][w];
                }
            }
            vy[s * m + t] = sum;
        }
    }
    let yu: Vec<f64> = used.iter().map(|&a| y[a]).collect();
    let x = solve(&vy, m, &yu);
    let stat: f64 = yu.iter().zip(&x).map(|(a, b)| a * b).sum();
    let mf = m as f64;
    let (stat, ddf) = match test {
        Test::Wald => (stat / mf, nu),
        _ => {
            let ddf = nu - mf + 1.0;
            (stat * ddf / (mf * nu), ddf)
        }
    };
    let dist = FisherSnedecor::new(mf, ddf).ok()?;
    Some((stat, mf, Some(ddf), dist.sf(stat)))
}

/// The sentence that reports a crosstab's test under its table or chart,
/// in `lang`.
pub fn test_sentence(lang: Language, c: &CrosstabSpec, test: Option<&TestRow>) -> String {
    use crate::locale::{fill, numbers, phrase};
    test.map_or_else(
        || phrase(lang, "crosstab_no_test").to_string(),
        |t| {
            let f = |v: f64| numbers::number(v, 2, lang);
            let key = match c.test {
                Test::F => "crosstab_test_f",
                Test::Chisq => "crosstab_test_chisq",
                Test::Wald | Test::AdjWald => "crosstab_test_wald",
            };
            fill(
                lang,
                key,
                &[
                    ("statistic", &f(t.statistic)),
                    ("ndf", &f(t.ndf)),
                    ("ddf", &t.ddf.map_or(String::new(), f)),
                    ("p", &numbers::p_clause(t.p_value, lang)),
                    (
                        "adjusted",
                        if c.test == Test::AdjWald {
                            phrase(lang, "crosstab_adjusted")
                        } else {
                            ""
                        },
                    ),
                ],
            )
        },
    )
}

/// The cells as a table: `crosstab, row, column, estimate, se, ci_low,
/// ci_high, n, weighted_n, flag`.
pub fn cells_frame(rows: &[CellRow]) -> Result<DataFrame> {
    let s = |f: &dyn Fn(&CellRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let o = |f: &dyn Fn(&Estimate) -> Option<f64>| {
        rows.iter().map(|r| f(&r.est)).collect::<Vec<Option<f64>>>()
    };
    DataFrame::new_infer_height(vec![
        Column::new("crosstab".into(), s(&|r| r.crosstab.clone())),
        Column::new("row".into(), s(&|r| r.row.clone())),
        Column::new("column".into(), s(&|r| r.column.clone())),
        Column::new("estimate".into(), o(&|e| e.estimate)),
        Column::new("se".into(), o(&|e| e.se)),
        Column::new("ci_low".into(), o(&|e| e.ci_low)),
        Column::new("ci_high".into(), o(&|e| e.ci_high)),
        Column::new(
            "n".into(),
            rows.iter()
                .map(|r| r.est.counts().map(|c| c.0))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "weighted_n".into(),
            rows.iter()
                .map(|r| r.est.counts().map(|c| c.1))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "flag".into(),
            s(&|r| r.est.flag.map_or(String::new(), |f| f.code().to_string())),
        ),
    ])
    .map_err(|e| Error::internal("crosstabs table", e))
}

/// The tests as a table: `crosstab, test, statistic, ndf, ddf, p_value`.
pub fn tests_frame(rows: &[TestRow]) -> Result<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "crosstab".into(),
            rows.iter().map(|r| r.crosstab.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "test".into(),
            rows.iter().map(|r| r.test).collect::<Vec<_>>(),
        ),
        Column::new(
            "statistic".into(),
            rows.iter().map(|r| r.statistic).collect::<Vec<_>>(),
        ),
        Column::new("ndf".into(), rows.iter().map(|r| r.ndf).collect::<Vec<_>>()),
        Column::new("ddf".into(), rows.iter().map(|r| r.ddf).collect::<Vec<_>>()),
        Column::new(
            "p_value".into(),
            rows.iter().map(|r| r.p_value).collect::<Vec<_>>(),
        ),
    ])
    .map_err(|e| Error::internal("tests table", e))
}
