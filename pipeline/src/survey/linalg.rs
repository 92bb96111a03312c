//! Dense linear algebra for calibration: symmetric systems that may be
//! singular (collinear auxiliaries).

/// Solves M x = b for a symmetric positive semi-definite M (p × p,
/// row-major) by an LDLᵀ factorisation that skips negligible pivots: for a
/// singular M (collinear auxiliaries, such as the full indicators of two
/// margins) it returns one solution of the consistent system.
pub fn solve(m: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut l = vec![0.0; p * p];
    let mut d = vec![0.0; p];
    for k in 0..p {
        let mut dk = m[k * p + k];
        for j in 0..k {
            dk -= l[k * p + j] * l[k * p + j] * d[j];
        }
        let scale = m[k * p + k].abs().max(f64::MIN_POSITIVE);
        if dk <= 1e-10 * scale {
            continue; // a dependent column: d_k = 0, its L column zero
        }
        d[k] = dk;
        l[k * p + k] = 1.0;
        for i in k + 1..p {
            let mut v = m[i * p + k];
            for j in 0..k {
                v -= l[i * p + j] * l[k * p + j] * d[j];
            }
            l[i * p + k] = v / dk;
        }
    }
    let mut y = b.to_vec();
    for i in 0..p {
        for j in 0..i {
            y[i] -= l[i * p + j] * y[j];
        }
    }
    let mut x: Vec<f64> = y
        .iter()
        .zip(&d)
        .map(|(y, d)| if *d > 0.0 { y / d } else { 0.0 })
        .collect();
    for i in (0..p).rev() {
        for j in i + 1..p {
            x[i] -= l[j * p + i] * x[j];
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::solve;

    #[test]
    fn solves_a_singular_consistent_system() {
        // Two margins' full indicators: columns (a, b, c, d) with a + b = c + d.
        // Rows: (a,c) w=1, (a,d) w=2, (b,c) w=3, (b,d) w=4.
        let m = [
            3.0, 0.0, 1.0, 2.0, //
            0.0, 7.0, 3.0, 4.0, //
            1.0, 3.0, 4.0, 0.0, //
            2.0, 4.0, 0.0, 6.0,
        ];
        let x_true = [1.0, -2.0, 0.5, 3.0];
        let b: Vec<f64> = (0..4)
            .map(|i| (0..4).map(|j| m[i * 4 + j] * x_true[j]).sum())
            .collect();
        let x = solve(&m, 4, &b);
        for i in 0..4 {
            let mx: f64 = (0..4).map(|j| m[i * 4 + j] * x[j]).sum();
            assert!((mx - b[i]).abs() < 1e-12, "row {i}: {mx} vs {}", b[i]);
        }
    }
}
