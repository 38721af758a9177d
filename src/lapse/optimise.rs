//! A small Nelder–Mead minimiser, deterministic and bounded, for the models' few parameters.
//!
//! The models fit two to four positive parameters on their logarithms, so the search space
//! is all of ℝⁿ and no bound or constraint is needed: Nelder–Mead (no gradients) is enough,
//! and written out here it keeps the dependency list short and every step reproducible.
//!
//! The method is the textbook one (Lagarias, Reeds, Wright & Wright 1998): reflection 1,
//! expansion 2, contraction ½ (outside and inside), shrink ½. The first simplex is the
//! start point and the start plus [`Options::step`] along each axis.
//!
//! **Stopping rule.** A search stops when both the spread of the simplex's values,
//! `max fᵢ − f_best`, is at most `f_tolerance · (1 + |f_best|)` and its size,
//! `max ‖xᵢ − x_best‖∞`, is at most `x_tolerance`; or after `iterations_max` iterations. A
//! simplex can collapse before it reaches a minimum, so the search is restarted from its best
//! point with a fresh simplex until a restart improves the value by no more than the value
//! tolerance (at most `restarts_max` restarts). [`Minimum::converged`] says whether the last
//! search met the stopping rule rather than the iteration bound.
//!
//! **Determinism.** There is no randomness and no thread: vertices are ordered by value
//! with ties broken by their index, so the same function and start give bit-identical
//! results. A function value that is not a number counts as `+∞` (a point outside the
//! model's domain is simply worse than any inside it).

/// The settings of a search.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// The first simplex's edge along each axis.
    pub step: f64,
    /// Converged when the simplex's values lie within `f_tolerance · (1 + |f_best|)`…
    pub f_tolerance: f64,
    /// …and its vertices within `x_tolerance` of the best, coordinate by coordinate.
    pub x_tolerance: f64,
    /// The most iterations one search may take.
    pub iterations_max: u32,
    /// The most fresh simplexes after the first search.
    pub restarts_max: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            step: 0.5,
            f_tolerance: 1e-13,
            x_tolerance: 1e-9,
            iterations_max: 20_000,
            restarts_max: 8,
        }
    }
}

/// What a search found.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub value: f64,
    /// Iterations over all searches, restarts included.
    pub iterations: u32,
    /// Function evaluations over all searches.
    pub evaluations: u32,
    /// The last search met the stopping rule (rather than the iteration bound).
    pub converged: bool,
}

/// Iterations over which a search whose best value does not move is stopped (see `search`).
pub const STALL_ITERATIONS: u32 = 500;

/// Minimise `f` from `start` (see the module doc).
pub fn nelder_mead(f: impl Fn(&[f64]) -> f64, start: &[f64], options: &Options) -> Minimum {
    assert!(
        !start.is_empty(),
        "nelder_mead needs at least one parameter"
    );
    assert!(
        start.iter().all(|v| v.is_finite()),
        "nelder_mead needs a finite start"
    );
    let mut evaluations = 0u32;
    let mut eval = |x: &[f64]| {
        evaluations += 1;
        let v = f(x);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    let mut best_x = start.to_vec();
    let mut best_value = eval(&best_x);
    let mut iterations = 0u32;
    let mut converged = false;
    for restart in 0..=options.restarts_max {
        let (x, value, its, ok) = search(&mut eval, &best_x, best_value, options);
        iterations += its;
        converged = ok;
        let improved = best_value - value;
        if value <= best_value {
            best_x = x;
            best_value = value;
        }
        // The first search always gets one restart; later ones only while they still help.
        let small = improved <= options.f_tolerance * (1.0 + best_value.abs());
        if restart > 0 && small && converged {
            break;
        }
    }
    Minimum {
        x: best_x,
        value: best_value,
        iterations,
        evaluations,
        converged,
    }
}

/// One search from a fresh simplex around `start`: (best point, its value, iterations, met
/// the stopping rule).
fn search(
    eval: &mut impl FnMut(&[f64]) -> f64,
    start: &[f64],
    start_value: f64,
    options: &Options,
) -> (Vec<f64>, f64, u32, bool) {
    let n = start.len();
    let mut points: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
    let mut values: Vec<f64> = Vec::with_capacity(n + 1);
    points.push(start.to_vec());
    values.push(start_value);
    for i in 0..n {
        let mut p = start.to_vec();
        p[i] += options.step;
        values.push(eval(&p));
        points.push(p);
    }
    let mut iterations = 0u32;
    let mut checkpoint = f64::INFINITY;
    loop {
        order(&mut points, &mut values);
        if stopped(&points, &values, options) {
            return (points[0].clone(), values[0], iterations, true);
        }
        // A stall: the best value has not moved beyond the tolerance in the last
        // STALL_ITERATIONS. The function is flat along some direction (a BG/NBD fit with `a`
        // at its bound does not depend on `b`), so the vertices never meet `x_tolerance`:
        // the best point is as good as any on that ridge.
        if iterations.is_multiple_of(STALL_ITERATIONS) {
            if checkpoint - values[0] <= options.f_tolerance * (1.0 + values[0].abs()) {
                return (points[0].clone(), values[0], iterations, true);
            }
            checkpoint = values[0];
        }
        if iterations >= options.iterations_max {
            return (points[0].clone(), values[0], iterations, false);
        }
        iterations += 1;

        // The centroid of all but the worst vertex, summed in index order.
        let mut centroid = vec![0.0; n];
        for p in &points[..n] {
            for (c, v) in centroid.iter_mut().zip(p) {
                *c += v;
            }
        }
        for c in &mut centroid {
            *c /= n as f64;
        }
        let worst = points[n].clone();
        let along = |t: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&worst)
                .map(|(c, w)| c + t * (c - w))
                .collect()
        };

        let reflected = along(1.0);
        let f_reflected = eval(&reflected);
        if f_reflected < values[0] {
            let expanded = along(2.0);
            let f_expanded = eval(&expanded);
            if f_expanded < f_reflected {
                (points[n], values[n]) = (expanded, f_expanded);
            } else {
                (points[n], values[n]) = (reflected, f_reflected);
            }
            continue;
        }
        if f_reflected < values[n - 1] {
            (points[n], values[n]) = (reflected, f_reflected);
            continue;
        }
        // Contract: outside if the reflection beat the worst, inside otherwise.
        let contracted = along(if f_reflected < values[n] { 0.5 } else { -0.5 });
        let f_contracted = eval(&contracted);
        if f_contracted < values[n].min(f_reflected) {
            (points[n], values[n]) = (contracted, f_contracted);
            continue;
        }
        // Shrink every vertex halfway towards the best.
        let best = points[0].clone();
        for i in 1..=n {
            for (v, b) in points[i].iter_mut().zip(&best) {
                *v = b + 0.5 * (*v - b);
            }
            values[i] = eval(&points[i]);
        }
    }
}

/// Sort the vertices by value, ties by their current index (a stable sort).
fn order(points: &mut Vec<Vec<f64>>, values: &mut Vec<f64>) {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    *points = idx.iter().map(|&i| points[i].clone()).collect();
    *values = idx.iter().map(|&i| values[i]).collect();
}

fn stopped(points: &[Vec<f64>], values: &[f64], options: &Options) -> bool {
    let best = values[0];
    if !best.is_finite() {
        return false;
    }
    let spread = values[values.len() - 1] - best;
    let size = points[1..]
        .iter()
        .flat_map(|p| p.iter().zip(&points[0]).map(|(v, b)| (v - b).abs()))
        .fold(0.0f64, f64::max);
    spread <= options.f_tolerance * (1.0 + best.abs()) && size <= options.x_tolerance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_rosenbrock() {
        let rosenbrock = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = nelder_mead(rosenbrock, &[-1.2, 1.0], &Options::default());
        assert!(m.converged);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-7 && (m.x[1] - 1.0).abs() < 1e-7,
            "{m:?}"
        );
        assert!(m.value < 1e-14);
    }

    #[test]
    fn finds_the_centre_of_a_bowl_in_four_dimensions() {
        let centre = [0.3, -1.7, 2.2, 0.0];
        let bowl = |x: &[f64]| {
            x.iter()
                .zip(&centre)
                .enumerate()
                .map(|(i, (v, c))| (i as f64 + 1.0) * (v - c).powi(2))
                .sum::<f64>()
        };
        let m = nelder_mead(bowl, &[0.0; 4], &Options::default());
        for (v, c) in m.x.iter().zip(&centre) {
            assert!((v - c).abs() < 1e-8, "{m:?}");
        }
    }

    #[test]
    fn not_a_number_is_worse_than_anything() {
        // Undefined for x < 0; the minimum (x = 0.5) is inside.
        let f = |x: &[f64]| {
            if x[0] < 0.0 {
                f64::NAN
            } else {
                (x[0] - 0.5).powi(2)
            }
        };
        let m = nelder_mead(f, &[3.0], &Options::default());
        assert!((m.x[0] - 0.5).abs() < 1e-8, "{m:?}");
    }

    #[test]
    fn the_same_search_gives_the_same_bits() {
        let f = |x: &[f64]| (x[0] - 1.0).powi(4) + (x[0] * x[1] - 2.0).powi(2) + x[1].cos();
        let a = nelder_mead(f, &[0.1, 0.2], &Options::default());
        let b = nelder_mead(f, &[0.1, 0.2], &Options::default());
        assert_eq!(a.x[0].to_bits(), b.x[0].to_bits());
        assert_eq!(a.x[1].to_bits(), b.x[1].to_bits());
        assert_eq!(a.value.to_bits(), b.value.to_bits());
    }

    #[test]
    fn the_iteration_bound_holds() {
        let options = Options {
            iterations_max: 5,
            restarts_max: 0,
            ..Options::default()
        };
        let m = nelder_mead(|x: &[f64]| x[0] * x[0], &[10.0], &options);
        assert!(!m.converged);
        assert!(m.iterations <= 5);
    }
}
