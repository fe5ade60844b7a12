//! `?gesv` checked through the solve residual, the returned `P A = L U`
//! factorisation and pivots, singular matrices and error codes.

mod common;

use common::*;

struct Gesv<P> {
    info: i32,
    a: Mat<P>,
    b: Mat<P>,
    ipiv: Vec<i32>,
}

fn gesv<P: Prec>(a: &Mat<P>, b: &Mat<P>) -> Gesv<P> {
    let (mut a, mut b) = (a.clone(), b.clone());
    let (n, nrhs) = (a.rows as i32, b.cols as i32);
    let mut ipiv = vec![-5; a.rows.max(1)];
    let mut info = 0;
    unsafe {
        P::gesv_(
            &n,
            &nrhs,
            mp(&mut a.data),
            &a.ld(),
            mp(&mut ipiv),
            mp(&mut b.data),
            &b.ld(),
            &mut info,
        )
    };
    Gesv { info, a, b, ipiv }
}

/// `P A` for LAPACK's sequential row-swap vector `ipiv` (1-based).
fn permute(a: &[Vec<f64>], ipiv: &[i32]) -> Vec<Vec<f64>> {
    let mut pa = a.to_vec();
    for (i, &p) in ipiv.iter().enumerate() {
        pa.swap(i, p as usize - 1);
    }
    pa
}

fn check_gesv<P: Prec>() {
    let mut rng = Lcg::new(555);
    for n in [1, 3, 6, 10] {
        for nrhs in [0, 1, 3] {
            let a = Mat::<P>::random(n, n, 2, &mut rng);
            let b = Mat::<P>::random(n, nrhs, 3, &mut rng);
            let r = gesv(&a, &b);
            let what = format!("gesv n{n} nrhs{nrhs}");
            assert_eq!(r.info, 0, "{what}");
            r.a.assert_padding_intact(&what);
            r.b.assert_padding_intact(&what);
            let ad = a.to_f64();
            // Pivots: LAPACK form, ipiv[i] in i+1..=n (partial pivoting never looks up).
            assert!(
                r.ipiv
                    .iter()
                    .enumerate()
                    .all(|(i, &p)| (i as i32 + 1..=n as i32).contains(&p)),
                "{what}: ipiv {:?}",
                r.ipiv
            );
            // Factorisation, LAPACK test dget01: ||P A - L U|| / (n eps ||A||); |L| <= 1.
            let l: Vec<Vec<f64>> = (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| {
                            if i == j {
                                1.0
                            } else if i > j {
                                r.a.get(i, j)
                            } else {
                                0.0
                            }
                        })
                        .collect()
                })
                .collect();
            let u: Vec<Vec<f64>> = (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| if i <= j { r.a.get(i, j) } else { 0.0 })
                        .collect()
                })
                .collect();
            assert!(
                l.iter().flatten().all(|v| v.abs() <= 1.0),
                "{what}: |L| > 1"
            );
            let ratio =
                fro(&sub(&permute(&ad, &r.ipiv), &matmul(&l, &u))) / (n as f64 * P::EPS * fro(&ad));
            assert!(ratio < THRESH, "{what}: factor ratio {ratio}");
            // Solution, LAPACK test dget02: ||A X - B|| / (||A|| ||X|| n eps).
            if nrhs > 0 {
                let (xd, bd) = (r.b.to_f64(), b.to_f64());
                let ratio =
                    fro(&sub(&matmul(&ad, &xd), &bd)) / (fro(&ad) * fro(&xd) * n as f64 * P::EPS);
                assert!(ratio < THRESH, "{what}: residual ratio {ratio}");
            }
        }
    }
}

#[test]
fn gesv_f32() {
    check_gesv::<f32>();
}

#[test]
fn gesv_f64() {
    check_gesv::<f64>();
}

/// Clarabel's own LU test system (`lda = n`, as Clarabel calls it).
fn check_clarabel_lu_data<P: Prec>() {
    let a = Mat::<P>::from_fn(3, 3, 0, |i, j| {
        [[3.0, 2.0, 4.0], [2.0, 0.0, 2.0], [4.0, 2.0, 3.0]][i][j]
    });
    let b = Mat::<P>::from_fn(3, 2, 0, |i, j| {
        [[-5.0, 13.0], [-2.0, 4.0], [-2.0, 9.0]][i][j]
    });
    let x = [[1.0, -1.0], [0.0, 2.0], [-2.0, 3.0]];
    let r = gesv(&a, &b);
    assert_eq!(r.info, 0);
    // Forward error <= n * cond(A) * eps * max|X| = 3 * 8 * 3 eps (eigenvalues -1, -1, 8) < THRESH * 10 eps.
    for (i, row) in x.iter().enumerate() {
        for (j, &want) in row.iter().enumerate() {
            assert!(
                (r.b.get(i, j) - want).abs() <= THRESH * 10.0 * P::EPS,
                "({i},{j}) {}",
                r.b.get(i, j)
            );
        }
    }
}

#[test]
fn clarabel_lu_data_f32() {
    check_clarabel_lu_data::<f32>();
}

#[test]
fn clarabel_lu_data_f64() {
    check_clarabel_lu_data::<f64>();
}

/// Exactly singular matrices: `info = i` for the first zero `U(i,i)`, `B` untouched.
fn check_singular<P: Prec>() {
    let mut rng = Lcg::new(9);
    // Zero second column: U(2,2) = 0.
    let a = Mat::<P>::from_fn(4, 4, 1, |_, j| if j == 1 { 0.0 } else { rng.uniform() });
    let b = Mat::<P>::random(4, 2, 0, &mut rng);
    let r = gesv(&a, &b);
    assert_eq!(r.info, 2);
    assert_eq!(r.b.data, b.data, "B written for a singular matrix");
    // Rows 1 and 2 proportional (exact arithmetic with pivot ratio 1/2): U(3,3) = 0.
    let a = Mat::<P>::from_fn(3, 3, 0, |i, j| {
        [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]][i][j]
    });
    let b = Mat::<P>::random(3, 1, 0, &mut rng);
    let r = gesv(&a, &b);
    assert_eq!(r.info, 3);
    assert_eq!(r.b.data, b.data);
    // The factors are still returned: P A = L U.
    let l: Vec<Vec<f64>> = (0..3)
        .map(|i| {
            (0..3)
                .map(|j| {
                    if i == j {
                        1.0
                    } else if i > j {
                        r.a.get(i, j)
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let u: Vec<Vec<f64>> = (0..3)
        .map(|i| {
            (0..3)
                .map(|j| if i <= j { r.a.get(i, j) } else { 0.0 })
                .collect()
        })
        .collect();
    assert_eq!(permute(&a.to_f64(), &r.ipiv), matmul(&l, &u));
}

#[test]
fn gesv_singular_f32() {
    check_singular::<f32>();
}

#[test]
fn gesv_singular_f64() {
    check_singular::<f64>();
}

fn check_errors<P: Prec>() {
    let (mut a, mut b, mut ipiv) = (vec![P::of(1.0); 16], vec![P::of(1.0); 16], vec![0; 4]);
    let mut info = 0;
    // (n, nrhs, lda, ldb, expected info)
    for (n, nrhs, lda, ldb, want) in [
        (-1, 1, 4, 4, -1),
        (4, -1, 4, 4, -2),
        (4, 1, 3, 4, -4),
        (4, 1, 4, 3, -7),
        (0, 1, 1, 1, 0),
    ] {
        unsafe {
            P::gesv_(
                &n,
                &nrhs,
                mp(&mut a),
                &lda,
                mp(&mut ipiv),
                mp(&mut b),
                &ldb,
                &mut info,
            )
        };
        assert_eq!(info, want, "gesv n{n} nrhs{nrhs} lda{lda} ldb{ldb}");
    }
    assert!(
        a.iter().chain(&b).all(|v| v.f() == 1.0),
        "illegal call wrote data"
    );
}

#[test]
fn gesv_errors_f32() {
    check_errors::<f32>();
}

#[test]
fn gesv_errors_f64() {
    check_errors::<f64>();
}
