//! `?potrf` / `?potrs` against direct reconstruction and residual checks.

mod common;

use common::*;

/// Random SPD matrix `B B^T + n I` (well conditioned), full storage.
fn random_spd(n: usize, rng: &mut Lcg) -> Vec<Vec<f64>> {
    let b: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..n).map(|_| rng.uniform()).collect())
        .collect();
    let mut a = matmul(&b, &transpose(&b));
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += n as f64;
    }
    a
}

/// Dense triangular factor from the `uplo` triangle of the leading `k x k` block:
/// `U` (upper) or `L` (lower), zeros elsewhere.
fn factor_of<P: Prec>(a: &Mat<P>, uplo: u8, k: usize) -> Vec<Vec<f64>> {
    (0..k)
        .map(|i| {
            (0..k)
                .map(|j| {
                    if (uplo == b'U' && i <= j) || (uplo == b'L' && i >= j) {
                        a.get(i, j)
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

/// `U^T U` or `L L^T` of the leading `k x k` block.
fn reconstruct<P: Prec>(a: &Mat<P>, uplo: u8, k: usize) -> Vec<Vec<f64>> {
    let f = factor_of(a, uplo, k);
    if uplo == b'U' {
        matmul(&transpose(&f), &f)
    } else {
        matmul(&f, &transpose(&f))
    }
}

/// The `P`-rounded input, as the routine saw it.
fn rounded<P: Prec>(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    a.iter()
        .map(|r| r.iter().map(|&v| P::of(v).f()).collect())
        .collect()
}

fn leading(a: &[Vec<f64>], k: usize) -> Vec<Vec<f64>> {
    a[..k].iter().map(|r| r[..k].to_vec()).collect()
}

fn potrf<P: Prec>(uplo: u8, a: &mut Mat<P>) -> i32 {
    let (n, mut info) = (a.rows as i32, 0);
    unsafe { P::potrf_(ch(&uplo), &n, mp(&mut a.data), &a.ld(), &mut info) };
    info
}

fn check_potrf<P: Prec>() {
    let mut rng = Lcg::new(77);
    for uplo in [b'U', b'L'] {
        for n in [1, 2, 4, 7, 12] {
            for pad in [0, 3] {
                let full = random_spd(n, &mut rng);
                let mut a = store_triangle::<P>(&full, uplo, pad, SENTINEL);
                let a0 = a.clone();
                assert_eq!(potrf(uplo, &mut a), 0, "potrf {} n{n}", uplo as char);
                // Scaled residual, LAPACK test dpot01: ||F^T F - A|| / (n eps ||A||).
                let ar = rounded::<P>(&full);
                let ratio =
                    fro(&sub(&reconstruct(&a, uplo, n), &ar)) / (n as f64 * P::EPS * fro(&ar));
                assert!(
                    ratio < THRESH,
                    "potrf {} n{n} pad{pad}: ratio {ratio}",
                    uplo as char
                );
                // Positive diagonal; other triangle and padding untouched.
                for i in 0..n {
                    assert!(a.get(i, i) > 0.0);
                    for j in 0..n {
                        if (uplo == b'U' && i > j) || (uplo == b'L' && i < j) {
                            assert_eq!(a.get(i, j), a0.get(i, j), "other triangle written");
                        }
                    }
                }
                a.assert_padding_intact("potrf");
            }
        }
    }
}

#[test]
fn potrf_f32() {
    check_potrf::<f32>();
}

#[test]
fn potrf_f64() {
    check_potrf::<f64>();
}

/// Not positive definite: `info = k` for the first failing leading minor, and
/// the first `k - 1` columns hold the factor of the leading `(k-1)` block.
fn check_potrf_not_pd<P: Prec>() {
    let mut rng = Lcg::new(88);
    let n = 6;
    for uplo in [b'U', b'L'] {
        for k in [1, 3, 6] {
            let mut full = random_spd(n, &mut rng);
            full[k - 1][k - 1] = -10.0 * n as f64;
            let mut a = store_triangle::<P>(&full, uplo, 2, SENTINEL);
            assert_eq!(
                potrf(uplo, &mut a),
                k as i32,
                "potrf {} non-PD minor {k}",
                uplo as char
            );
            if k > 1 {
                let ar = leading(&rounded::<P>(&full), k - 1);
                let ratio =
                    fro(&sub(&reconstruct(&a, uplo, k - 1), &ar)) / (k as f64 * P::EPS * fro(&ar));
                assert!(ratio < THRESH, "partial factor ratio {ratio}");
            }
            a.assert_padding_intact("potrf non-PD");
        }
        // Semidefinite (singular) matrix: rank-1 outer product, fails at minor 2.
        let v = [1.0, 2.0, -1.0, 0.5];
        let full: Vec<Vec<f64>> = v
            .iter()
            .map(|x| v.iter().map(|y| x * y).collect())
            .collect();
        let mut a = store_triangle::<P>(&full, uplo, 0, SENTINEL);
        assert_eq!(potrf(uplo, &mut a), 2, "rank-1 matrix");
        // NaN on the diagonal is reported at its position.
        let mut full = random_spd(4, &mut rng);
        full[2][2] = f64::NAN;
        let mut a = store_triangle::<P>(&full, uplo, 0, SENTINEL);
        assert_eq!(potrf(uplo, &mut a), 3, "NaN pivot");
    }
}

#[test]
fn potrf_not_positive_definite_f32() {
    check_potrf_not_pd::<f32>();
}

#[test]
fn potrf_not_positive_definite_f64() {
    check_potrf_not_pd::<f64>();
}

fn check_potrs<P: Prec>() {
    let mut rng = Lcg::new(99);
    for uplo in [b'U', b'L'] {
        for (n, nrhs) in [(1, 1), (4, 3), (9, 2), (5, 0)] {
            let full = random_spd(n, &mut rng);
            let mut a = store_triangle::<P>(&full, uplo, 2, SENTINEL);
            assert_eq!(potrf(uplo, &mut a), 0);
            let b = Mat::<P>::random(n, nrhs, 3, &mut rng);
            let mut x = b.clone();
            let (ni, ri, mut info) = (n as i32, nrhs as i32, 0);
            unsafe {
                P::potrs_(
                    ch(&uplo),
                    &ni,
                    &ri,
                    a.data.as_ptr(),
                    &a.ld(),
                    mp(&mut x.data),
                    &x.ld(),
                    &mut info,
                )
            };
            assert_eq!(info, 0);
            // LAPACK test dpot02: ||A X - B|| / (||A|| ||X|| n eps).
            let ar = rounded::<P>(&full);
            let (xd, bd) = (x.to_f64(), b.to_f64());
            if nrhs > 0 {
                let ratio =
                    fro(&sub(&matmul(&ar, &xd), &bd)) / (fro(&ar) * fro(&xd) * n as f64 * P::EPS);
                assert!(
                    ratio < THRESH,
                    "potrs {} n{n} nrhs{nrhs}: ratio {ratio}",
                    uplo as char
                );
            }
            x.assert_padding_intact("potrs B");
        }
    }
}

#[test]
fn potrs_f32() {
    check_potrs::<f32>();
}

#[test]
fn potrs_f64() {
    check_potrs::<f64>();
}

/// Clarabel's own 4x4 Cholesky test data, used exactly as Clarabel calls it
/// (`uplo = 'L'`, `lda = ldb = n`).
fn check_clarabel_cholesky_data<P: Prec>() {
    let s = [
        [10.0, 2.0, 3.0, 1.0],
        [2.0, 8.0, 0.0, 3.0],
        [3.0, 0.0, 6.0, 2.0],
        [1.0, 3.0, 2.0, 9.0],
    ];
    let x = [[1.0, 2.0], [2.0, 3.0], [3.0, 1.0], [4.0, 2.0]];
    let b = [[27.0, 31.0], [30.0, 34.0], [29.0, 16.0], [49.0, 31.0]];
    let mut l = Mat::<P>::from_fn(4, 4, 0, |i, j| if i >= j { s[i][j] } else { 0.0 });
    assert_eq!(potrf(b'L', &mut l), 0);
    let mut bm = Mat::<P>::from_fn(4, 2, 0, |i, j| b[i][j]);
    let mut info = 0;
    unsafe {
        P::potrs_(
            ch(&b'L'),
            &4,
            &2,
            l.data.as_ptr(),
            &4,
            mp(&mut bm.data),
            &4,
            &mut info,
        )
    };
    assert_eq!(info, 0);
    // Forward error <= n * cond(S) * eps * max|X| = 4 * ~4 * eps * 4 (cond(S) ~ 4):
    // THRESH * 10 * eps leaves ample margin.
    for (i, row) in x.iter().enumerate() {
        for (j, &want) in row.iter().enumerate() {
            assert!(
                (bm.get(i, j) - want).abs() <= THRESH * P::EPS * 10.0,
                "({i},{j})"
            );
        }
    }
}

#[test]
fn clarabel_cholesky_data_f32() {
    check_clarabel_cholesky_data::<f32>();
}

#[test]
fn clarabel_cholesky_data_f64() {
    check_clarabel_cholesky_data::<f64>();
}

fn check_illegal<P: Prec>() {
    let mut a = vec![P::of(1.0); 16];
    let mut b = vec![P::of(1.0); 16];
    let mut info = 0;
    let cases_potrf: [(u8, i32, i32, i32); 3] =
        [(b'X', 4, 4, -1), (b'U', -1, 4, -2), (b'L', 4, 3, -4)];
    for (uplo, n, lda, want) in cases_potrf {
        unsafe { P::potrf_(ch(&uplo), &n, mp(&mut a), &lda, &mut info) };
        assert_eq!(info, want, "potrf");
    }
    let cases_potrs: [(u8, i32, i32, i32, i32, i32); 5] = [
        (b'X', 4, 1, 4, 4, -1),
        (b'U', -1, 1, 4, 4, -2),
        (b'U', 4, -1, 4, 4, -3),
        (b'L', 4, 1, 3, 4, -5),
        (b'L', 4, 1, 4, 3, -7),
    ];
    for (uplo, n, nrhs, lda, ldb, want) in cases_potrs {
        unsafe {
            P::potrs_(
                ch(&uplo),
                &n,
                &nrhs,
                a.as_ptr(),
                &lda,
                mp(&mut b),
                &ldb,
                &mut info,
            )
        };
        assert_eq!(info, want, "potrs");
    }
    assert!(
        a.iter().chain(&b).all(|v| v.f() == 1.0),
        "illegal call wrote data"
    );
    // n = 0 is a legal quick return.
    unsafe { P::potrf_(ch(&b'U'), &0, mp(&mut a), &1, &mut info) };
    assert_eq!(info, 0);
}

#[test]
fn cholesky_illegal_arguments_f32() {
    check_illegal::<f32>();
}

#[test]
fn cholesky_illegal_arguments_f64() {
    check_illegal::<f64>();
}
