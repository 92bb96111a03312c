//! Model formulas in R's syntax: `y ~ a + b + a:b`, `y ~ a * b` (a + b +
//! a:b), `- term`, `- 1` or `+ 0` (no intercept), parentheses
//! (`(a + b):c`) and `factor(x)` (x as categories). Terms come out as R's
//! `terms()` orders them: by degree, then in the order they appear; the
//! variables of a term in the order they first appear in the formula.

use std::collections::BTreeSet;

/// One variable of a formula's right-hand side.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Var {
    /// As written: `x` or `factor(x)`; R's prefix of its columns' names.
    pub name: String,
    /// The dataset column it reads.
    pub column: String,
    /// Written `factor(x)`: categories whatever the column holds.
    pub factor: bool,
}

/// A parsed formula.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Formula {
    /// The response column.
    pub response: String,
    /// Whether the model has an intercept.
    pub intercept: bool,
    /// The variables, in order of first appearance.
    pub variables: Vec<Var>,
    /// The terms: each a set of variable indices, in R's order.
    pub terms: Vec<Vec<usize>>,
}

impl Formula {
    /// A term's label as R writes it: its variables joined by `:`.
    pub fn label(&self, term: &[usize]) -> String {
        term.iter()
            .map(|v| self.variables[*v].name.as_str())
            .collect::<Vec<_>>()
            .join(":")
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Number(String),
    Op(char),
}

/// Parses `text`, or says what is wrong with it.
pub fn parse(text: &str) -> Result<Formula, String> {
    let tokens = tokens(text)?;
    let Some(tilde) = tokens.iter().position(|t| *t == Token::Op('~')) else {
        return Err("expected `response ~ terms`, e.g. `internet ~ age_group + sex`".into());
    };
    let response = match &tokens[..tilde] {
        [Token::Name(n)] => n.clone(),
        _ => return Err("the left of `~` must be one column (the response)".into()),
    };
    let mut p = Parser {
        tokens: &tokens[tilde + 1..],
        at: 0,
        variables: Vec::new(),
    };
    if p.tokens.is_empty() {
        return Err("nothing after `~`: give the model's terms, or `1` for the mean".into());
    }
    let items = p.sum(true)?;
    if let Some(t) = p.tokens.get(p.at) {
        return Err(format!("unexpected {} in the terms", show(t)));
    }
    let mut intercept = true;
    let mut terms: Vec<BTreeSet<usize>> = Vec::new();
    for (plus, item) in items {
        match item {
            Item::One => intercept = plus,
            Item::Zero if plus => intercept = false,
            Item::Zero => {
                return Err("`- 0` means nothing; write `- 1` to drop the intercept".into());
            }
            Item::Terms(list) => {
                for t in list {
                    if plus {
                        if !terms.contains(&t) {
                            terms.push(t);
                        }
                    } else {
                        terms.retain(|x| *x != t);
                    }
                }
            }
        }
    }
    if p.variables.iter().any(|v| v.column == response) {
        return Err(format!("`{response}` is both the response and a term"));
    }
    // R's order: by degree, stable; variables within a term by appearance.
    terms.sort_by_key(BTreeSet::len);
    Ok(Formula {
        response,
        intercept,
        variables: p.variables,
        terms: terms.into_iter().map(|t| t.into_iter().collect()).collect(),
    })
}

fn show(t: &Token) -> String {
    match t {
        Token::Name(n) => format!("`{n}`"),
        Token::Number(n) => format!("`{n}`"),
        Token::Op(c) => format!("`{c}`"),
    }
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if "~+-*:()".contains(c) {
            out.push(Token::Op(c));
            chars.next();
        } else if c == '`' {
            chars.next();
            let name: String = chars.by_ref().take_while(|c| *c != '`').collect();
            if name.is_empty() {
                return Err("an empty `` ` ` `` name".into());
            }
            out.push(Token::Name(name));
        } else if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars
                .peek()
                .filter(|d| d.is_ascii_alphanumeric() || **d == '.')
            {
                n.push(d);
                chars.next();
            }
            out.push(Token::Number(n));
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            let mut n = String::new();
            while let Some(&d) = chars
                .peek()
                .filter(|d| d.is_alphanumeric() || **d == '_' || **d == '.')
            {
                n.push(d);
                chars.next();
            }
            out.push(Token::Name(n));
        } else {
            return Err(format!(
                "`{c}` is not formula syntax — terms are joined by `+`, `:` and `*`, removed by `-`; categories are `factor(x)`; quote odd column names in backticks"
            ));
        }
    }
    Ok(out)
}

enum Item {
    One,
    Zero,
    Terms(Vec<BTreeSet<usize>>),
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    variables: Vec<Var>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// `item (('+' | '-') item)*`; signs and `1`/`0` only at the top.
    fn sum(&mut self, top: bool) -> Result<Vec<(bool, Item)>, String> {
        let mut out = Vec::new();
        let mut plus = true;
        if self.peek() == Some(&Token::Op('-')) {
            self.at += 1;
            plus = false;
        }
        loop {
            let item = match self.peek() {
                Some(Token::Number(n)) if top && (n == "1" || n == "0") => {
                    let one = n == "1";
                    self.at += 1;
                    if one { Item::One } else { Item::Zero }
                }
                _ => Item::Terms(self.product()?),
            };
            if !plus && !top {
                return Err(
                    "`-` inside parentheses is not supported; remove terms at the top level".into(),
                );
            }
            out.push((plus, item));
            match self.peek() {
                Some(Token::Op('+')) => plus = true,
                Some(Token::Op('-')) => plus = false,
                _ => return Ok(out),
            }
            self.at += 1;
        }
    }

    /// `colon ('*' colon)*`: a*b = a + b + a:b.
    fn product(&mut self) -> Result<Vec<BTreeSet<usize>>, String> {
        let mut acc = self.colon()?;
        while self.peek() == Some(&Token::Op('*')) {
            self.at += 1;
            let next = self.colon()?;
            let crossed = cross(&acc, &next);
            for t in next.into_iter().chain(crossed) {
                if !acc.contains(&t) {
                    acc.push(t);
                }
            }
        }
        Ok(acc)
    }

    /// `atom (':' atom)*`.
    fn colon(&mut self) -> Result<Vec<BTreeSet<usize>>, String> {
        let mut acc = self.atom()?;
        while self.peek() == Some(&Token::Op(':')) {
            self.at += 1;
            let next = self.atom()?;
            acc = cross(&acc, &next);
        }
        Ok(acc)
    }

    fn atom(&mut self) -> Result<Vec<BTreeSet<usize>>, String> {
        let token = self.peek().cloned();
        self.at += 1;
        match token {
            Some(Token::Op('(')) => {
                let inner = self.sum(false)?;
                if self.peek() != Some(&Token::Op(')')) {
                    return Err("a `(` is not closed".into());
                }
                self.at += 1;
                Ok(inner
                    .into_iter()
                    .flat_map(|(_, i)| match i {
                        Item::Terms(t) => t,
                        Item::One | Item::Zero => Vec::new(),
                    })
                    .collect())
            }
            Some(Token::Name(f)) if f == "factor" && self.peek() == Some(&Token::Op('(')) => {
                let column = match (self.tokens.get(self.at + 1), self.tokens.get(self.at + 2)) {
                    (Some(Token::Name(c)), Some(Token::Op(')'))) => c.clone(),
                    _ => return Err("`factor(…)` takes one column name".into()),
                };
                self.at += 3;
                Ok(vec![BTreeSet::from([self.variable(Var {
                    name: format!("factor({column})"),
                    column,
                    factor: true,
                })])])
            }
            Some(Token::Name(n)) => Ok(vec![BTreeSet::from([self.variable(Var {
                name: n.clone(),
                column: n,
                factor: false,
            })])]),
            Some(t) => Err(format!("expected a column name, found {}", show(&t))),
            None => Err("the formula ends where a term was expected".into()),
        }
    }

    fn variable(&mut self, v: Var) -> usize {
        self.variables
            .iter()
            .position(|x| *x == v)
            .unwrap_or_else(|| {
                self.variables.push(v);
                self.variables.len() - 1
            })
    }
}

/// Every union of a term of `a` with a term of `b`.
fn cross(a: &[BTreeSet<usize>], b: &[BTreeSet<usize>]) -> Vec<BTreeSet<usize>> {
    let mut out: Vec<BTreeSet<usize>> = Vec::new();
    for x in a {
        for y in b {
            let t: BTreeSet<usize> = x.union(y).copied().collect();
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn labels(f: &str) -> (bool, Vec<String>) {
        let f = parse(f).unwrap();
        (f.intercept, f.terms.iter().map(|t| f.label(t)).collect())
    }

    #[test]
    fn terms_come_in_r_order() {
        // As R's attr(terms(y ~ b:a + a + x*b), "term.labels").
        assert_eq!(
            labels("y ~ b:a + a + x*b"),
            (
                true,
                vec!["a", "x", "b", "b:a", "b:x"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
        assert_eq!(
            labels("y ~ a*b*c - a:b:c - 1").1,
            vec!["a", "b", "c", "a:b", "a:c", "b:c"]
        );
        assert_eq!(labels("y ~ 0 + factor(k) + x").1, vec!["factor(k)", "x"]);
        assert!(!labels("y ~ 0 + x").0);
        assert_eq!(labels("y ~ (a + b):c").1, vec!["a:c", "b:c"]);
        assert_eq!(labels("y ~ `odd name` + x").1, vec!["odd name", "x"]);
    }

    #[test]
    fn bad_formulas_say_why() {
        for (f, says) in [
            ("y a + b", "expected `response ~ terms`"),
            ("y ~ a +", "ends where a term"),
            ("y ~ a + y", "both the response"),
            ("y ~ a $ b", "not formula syntax"),
            ("y ~ factor(a b)", "one column name"),
            ("y ~ (a + b", "not closed"),
        ] {
            let e = parse(f).unwrap_err();
            assert!(e.contains(says), "{f}: {e}");
        }
    }
}
