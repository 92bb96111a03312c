//! A table as disclosure control sees it: cells, each with its values (one
//! per additive quantity: respondents, weighted count, amount), the
//! additivity relations between them (a total is the sum of its parts,
//! give or take a residual everyone can compute — rows in no domain), and
//! for each confidential cell how far an attacker's interval must reach
//! from its true values.

/// One additive quantity published for every cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Its name in messages (`n`, `weighted_n`, `total`).
    pub name: &'static str,
    /// Known not to be negative (counts; amounts when none is).
    pub nonnegative: bool,
}

impl Quantity {
    /// The two counts every cell publishes: its rows and their weights.
    pub fn counts() -> Vec<Quantity> {
        ["n", "weighted_n"]
            .into_iter()
            .map(|name| Quantity {
                name,
                nonnegative: true,
            })
            .collect()
    }
}

/// How far an attacker's interval for one quantity of a confidential cell
/// must reach below and above its true value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Margin {
    /// Below the value.
    pub below: f64,
    /// Above the value.
    pub above: f64,
}

impl Margin {
    /// The wider of two margins on each side.
    pub fn max(self, other: Margin) -> Margin {
        Margin {
            below: self.below.max(other.below),
            above: self.above.max(other.above),
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// What messages call it (`region = R1 × sector = S1`).
    pub name: String,
    /// Its true value of each quantity.
    pub values: Vec<f64>,
    /// What suppressing it costs (its total: the smaller, the less
    /// information lost); infinite for a value published elsewhere, which
    /// is never withheld.
    pub cost: f64,
    /// For a cell a primary rule makes confidential: the margin each
    /// quantity needs.
    pub needs: Option<Vec<Margin>>,
}

/// `total = Σ parts + residual` on every quantity; the residual (the
/// value of rows in none of the parts) is taken as known to the attacker.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The cell holding the total.
    pub total: usize,
    /// The cells adding up to it.
    pub parts: Vec<usize>,
}

/// A table to protect.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The quantities of every cell, in the order of [`Cell::values`].
    pub quantities: Vec<Quantity>,
    /// The cells.
    pub cells: Vec<Cell>,
    /// The additivity relations.
    pub relations: Vec<Relation>,
}

impl Table {
    /// The known residual of relation `r` on quantity `q`.
    pub fn residual(&self, r: &Relation, q: usize) -> f64 {
        self.cells[r.total].values[q]
            - r.parts
                .iter()
                .map(|&p| self.cells[p].values[q])
                .sum::<f64>()
    }

    /// The cells a primary rule makes confidential.
    pub fn primary(&self) -> Vec<usize> {
        (0..self.cells.len())
            .filter(|&c| self.cells[c].needs.is_some())
            .collect()
    }

    /// Whether cells `a` and `b` appear in one relation.
    pub fn related(&self, a: usize, b: usize) -> bool {
        self.relations.iter().any(|r| {
            let has = |c: usize| r.total == c || r.parts.contains(&c);
            has(a) && has(b)
        })
    }
}
