//! `?syevr` checked through `A Z = Z diag(w)`, orthonormality of `Z`, ordering,
//! known spectra, the selection modes and the workspace/error protocol.

mod common;

use common::*;

struct Eig {
    info: i32,
    m: usize,
    w: Vec<f64>,
    /// `n x m` eigenvectors (row-major dense), empty for `jobz = 'N'`.
    z: Vec<Vec<f64>>,
    isuppz: Vec<i32>,
}

/// Call `?syevr` the way Clarabel does: a workspace query with one-element
/// `work`/`iwork` and `lwork = liwork = -1`, resize, then the real call. With
/// `jobz = 'N'`, `z` is a one-element placeholder with `ldz = n` (Clarabel's
/// pattern); with `'V'` it is `n x n` with `ldz = n + zpad`.
fn syevr<P: Prec>(
    jobz: u8,
    range: u8,
    uplo: u8,
    a: &mut Mat<P>,
    (vl, vu): (f64, f64),
    (il, iu): (i32, i32),
    zpad: usize,
) -> Eig {
    let n = a.rows;
    let ni = n as i32;
    let ldz = if jobz == b'V' {
        (n + zpad).max(1)
    } else {
        n.max(1)
    };
    let mut z = if jobz == b'V' {
        vec![P::of(SENTINEL); ldz * n.max(1)]
    } else {
        vec![P::of(SENTINEL)]
    };
    let mut w = vec![P::of(SENTINEL); n.max(1)];
    let mut isuppz = vec![-7; 2 * n.max(1)];
    let (mut work, mut iwork) = (vec![P::of(1.0)], vec![1]);
    let (vl, vu, abstol) = (P::of(vl), P::of(vu), P::of(-1.0));
    let (mut m, mut info) = (0, 0);
    let mut call = |lwork: i32,
                    liwork: i32,
                    work: &mut Vec<P>,
                    iwork: &mut Vec<i32>,
                    m: &mut i32,
                    info: &mut i32| unsafe {
        P::syevr_(
            ch(&jobz),
            ch(&range),
            ch(&uplo),
            &ni,
            mp(&mut a.data),
            &a.ld(),
            &vl,
            &vu,
            &il,
            &iu,
            &abstol,
            m,
            mp(&mut w),
            mp(&mut z),
            &(ldz as i32),
            mp(&mut isuppz),
            mp(work),
            &lwork,
            mp(iwork),
            &liwork,
            info,
        )
    };
    call(-1, -1, &mut work, &mut iwork, &mut m, &mut info);
    if info != 0 {
        return Eig {
            info,
            m: 0,
            w: vec![],
            z: vec![],
            isuppz: vec![],
        };
    }
    let (lwork, liwork) = (work[0].f() as i32, iwork[0]);
    assert!(
        lwork >= (26 * ni).max(1) && liwork >= (10 * ni).max(1),
        "query returned {lwork}, {liwork}"
    );
    work.resize(lwork as usize, P::of(0.0));
    iwork.resize(liwork as usize, 0);
    call(lwork, liwork, &mut work, &mut iwork, &mut m, &mut info);
    let mu = m.max(0) as usize;
    let zd = if jobz == b'V' {
        (0..n)
            .map(|i| (0..mu).map(|j| z[i + j * ldz].f()).collect())
            .collect()
    } else {
        vec![]
    };
    if jobz == b'V' {
        // Rows beyond n in each used column, and unused columns, untouched.
        for j in 0..n {
            for i in 0..ldz {
                if i >= n || j >= mu {
                    assert_eq!(z[i + j * ldz].f(), SENTINEL, "Z ({i},{j}) written");
                }
            }
        }
    } else {
        assert_eq!(z[0].f(), SENTINEL, "placeholder Z written with jobz = 'N'");
    }
    Eig {
        info,
        m: mu,
        w: w[..mu].iter().map(|v| v.f()).collect(),
        z: zd,
        isuppz,
    }
}

/// `||A Z - Z diag(w)||_F / (n eps ||A||_F)` and `||Z^T Z - I||_F / (n eps)`.
fn ratios(a: &[Vec<f64>], e: &Eig, eps: f64) -> (f64, f64) {
    let n = a.len();
    let az = matmul(a, &e.z);
    let zw: Vec<Vec<f64>> =
        e.z.iter()
            .map(|r| r.iter().zip(&e.w).map(|(z, w)| z * w).collect())
            .collect();
    let res = fro(&sub(&az, &zw)) / (n as f64 * eps * fro(a).max(f64::MIN_POSITIVE));
    (res, orthogonality_ratio(&e.z, eps))
}

fn rounded<P: Prec>(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    a.iter()
        .map(|r| r.iter().map(|&v| P::of(v).f()).collect())
        .collect()
}

fn assert_ascending(w: &[f64], what: &str) {
    assert!(
        w.windows(2).all(|p| p[0] <= p[1]),
        "{what}: not ascending {w:?}"
    );
}

fn check_full_decomposition<P: Prec>() {
    let mut rng = Lcg::new(123);
    for uplo in [b'U', b'L'] {
        for n in [1, 2, 4, 7, 16] {
            for pad in [0, 3] {
                let full = random_symmetric(n, &mut rng);
                // Unreferenced triangle is NaN: reading it would poison the result.
                let mut a = store_triangle::<P>(&full, uplo, pad, f64::NAN);
                let e = syevr(b'V', b'A', uplo, &mut a, (0.0, 0.0), (0, 0), pad);
                let what = format!("syevr V A {} n{n} pad{pad}", uplo as char);
                assert_eq!((e.info, e.m), (0, n), "{what}");
                assert_ascending(&e.w, &what);
                let (res, orth) = ratios(&rounded::<P>(&full), &e, P::EPS);
                assert!(
                    res < THRESH && orth < THRESH,
                    "{what}: residual {res}, orthogonality {orth}"
                );
                // isuppz: 1-based first/last non-zero rows of each eigenvector.
                for (j, pair) in e.isuppz[..2 * n].chunks(2).enumerate() {
                    let (lo, hi) = (pair[0] as usize, pair[1] as usize);
                    assert!(1 <= lo && lo <= hi && hi <= n, "{what}: isuppz {pair:?}");
                    assert!(e.z[lo - 1][j] != 0.0 && e.z[hi - 1][j] != 0.0);
                    assert!((0..n).all(|i| (lo - 1..hi).contains(&i) || e.z[i][j] == 0.0));
                }
                a.assert_padding_intact(&what);

                // jobz = 'N' (Clarabel's eigvals path) gives the same eigenvalues.
                let mut a = store_triangle::<P>(&full, uplo, pad, f64::NAN);
                let en = syevr(b'N', b'A', uplo, &mut a, (0.0, 0.0), (0, 0), 0);
                assert_eq!((en.info, en.m), (0, n));
                let scale = THRESH * n as f64 * P::EPS * fro(&full);
                assert!(
                    en.w.iter().zip(&e.w).all(|(x, y)| (x - y).abs() <= scale),
                    "{what}: N vs V"
                );
            }
        }
    }
}

#[test]
fn syevr_full_f32() {
    check_full_decomposition::<f32>();
}

#[test]
fn syevr_full_f64() {
    check_full_decomposition::<f64>();
}

/// Known spectra: the 1-D Laplacian `tridiag(-1, 2, -1)` has eigenvalues
/// `2 - 2 cos(k pi / (n + 1))`; Clarabel's 4x4 test matrix has `{-1, -1, 8, 9}`
/// (a repeated eigenvalue, so the eigenvector basis of that eigenspace must
/// still come out orthonormal).
fn check_known_spectra<P: Prec>() {
    let n: usize = 10;
    let lap: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        2.0
                    } else if i.abs_diff(j) == 1 {
                        -1.0
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let exact: Vec<f64> = (1..=n)
        .map(|k| 2.0 - 2.0 * (k as f64 * std::f64::consts::PI / (n as f64 + 1.0)).cos())
        .collect();
    let clarabel = vec![
        vec![3.0, 2.0, 4.0, 0.0],
        vec![2.0, 0.0, 2.0, 0.0],
        vec![4.0, 2.0, 3.0, 0.0],
        vec![0.0, 0.0, 0.0, 9.0],
    ];
    for (full, want) in [(lap, exact), (clarabel, vec![-1.0, -1.0, 8.0, 9.0])] {
        for uplo in [b'U', b'L'] {
            let mut a = store_triangle::<P>(&full, uplo, 1, f64::NAN);
            let e = syevr(b'V', b'A', uplo, &mut a, (0.0, 0.0), (0, 0), 0);
            assert_eq!(e.info, 0);
            let tol = THRESH * full.len() as f64 * P::EPS * fro(&full);
            for (got, want) in e.w.iter().zip(&want) {
                assert!((got - want).abs() <= tol, "eigenvalue {got} vs {want}");
            }
            let (res, orth) = ratios(&full, &e, P::EPS);
            assert!(
                res < THRESH && orth < THRESH,
                "residual {res}, orthogonality {orth}"
            );
        }
    }
}

#[test]
fn syevr_known_spectra_f32() {
    check_known_spectra::<f32>();
}

#[test]
fn syevr_known_spectra_f64() {
    check_known_spectra::<f64>();
}

/// `range = 'I'` and `range = 'V'` select the same eigenpairs as a full run.
fn check_selection<P: Prec>() {
    let mut rng = Lcg::new(321);
    let n = 9;
    for uplo in [b'U', b'L'] {
        let full = random_symmetric(n, &mut rng);
        let ar = rounded::<P>(&full);
        let mut a = store_triangle::<P>(&full, uplo, 2, f64::NAN);
        let all = syevr(b'V', b'A', uplo, &mut a, (0.0, 0.0), (0, 0), 0);
        let tol = THRESH * n as f64 * P::EPS * fro(&full);

        for jobz in [b'V', b'N'] {
            let e = syevr(jobz, b'I', uplo, &mut a, (0.0, 0.0), (3, 6), 1);
            assert_eq!((e.info, e.m), (0, 4), "range I");
            assert!(
                e.w.iter()
                    .zip(&all.w[2..6])
                    .all(|(x, y)| (x - y).abs() <= tol),
                "range I values"
            );
            if jobz == b'V' {
                let (res, orth) = ratios(&ar, &e, P::EPS);
                assert!(
                    res < THRESH && orth < THRESH,
                    "range I: residual {res}, orthogonality {orth}"
                );
            }
            // (vl, vu] strictly between eigenvalues 2|3 and at eigenvalue 8 (included).
            let vl = 0.5 * (all.w[1] + all.w[2]);
            let vu = 0.5 * (all.w[7] + all.w[8]);
            let e = syevr(jobz, b'V', uplo, &mut a, (vl, vu), (0, 0), 0);
            assert_eq!((e.info, e.m), (0, 6), "range V");
            assert!(
                e.w.iter()
                    .zip(&all.w[2..8])
                    .all(|(x, y)| (x - y).abs() <= tol),
                "range V values"
            );
            if jobz == b'V' {
                let (res, orth) = ratios(&ar, &e, P::EPS);
                assert!(
                    res < THRESH && orth < THRESH,
                    "range V: residual {res}, orthogonality {orth}"
                );
            }
            // An interval holding no eigenvalue.
            let e = syevr(
                jobz,
                b'V',
                uplo,
                &mut a,
                (all.w[8] + 1.0, all.w[8] + 2.0),
                (0, 0),
                0,
            );
            assert_eq!((e.info, e.m), (0, 0), "empty range V");
        }
        // range I covering everything also reports isuppz.
        let e = syevr(b'V', b'I', uplo, &mut a, (0.0, 0.0), (1, n as i32), 0);
        assert_eq!((e.info, e.m), (0, n));
        assert!(e.isuppz[..2 * n]
            .iter()
            .all(|&s| (1..=n as i32).contains(&s)));
    }
}

#[test]
fn syevr_selection_f32() {
    check_selection::<f32>();
}

#[test]
fn syevr_selection_f64() {
    check_selection::<f64>();
}

/// `(jobz, range, uplo, n, lda, vl, vu, il, iu, ldz, lwork, liwork, expected info)`.
type SyevrCase = (u8, u8, u8, i32, i32, f64, f64, i32, i32, i32, i32, i32, i32);

/// Argument errors (`info = -i`), workspace too small, NaN input, `n = 0`.
fn check_errors<P: Prec>() {
    let n = 4;
    let mut a = vec![P::of(1.0); 64];
    let (mut w, mut z) = (vec![P::of(0.0); 16], vec![P::of(0.0); 64]);
    let (mut isuppz, mut iwork, mut work) = (vec![0; 16], vec![0; 200], vec![P::of(0.0); 200]);
    let (mut m, mut info) = (0, 0);
    let mut run = |jobz: u8,
                   range: u8,
                   uplo: u8,
                   n: i32,
                   lda: i32,
                   vl: f64,
                   vu: f64,
                   il: i32,
                   iu: i32,
                   ldz: i32,
                   lwork: i32,
                   liwork: i32,
                   a: &mut Vec<P>| {
        unsafe {
            P::syevr_(
                ch(&jobz),
                ch(&range),
                ch(&uplo),
                &n,
                mp(a),
                &lda,
                &P::of(vl),
                &P::of(vu),
                &il,
                &iu,
                &P::of(0.0),
                &mut m,
                mp(&mut w),
                mp(&mut z),
                &ldz,
                mp(&mut isuppz),
                mp(&mut work),
                &lwork,
                mp(&mut iwork),
                &liwork,
                &mut info,
            )
        };
        (info, work[0].f(), iwork[0])
    };
    let (lw, liw) = (26 * n, 10 * n);
    let cases: [SyevrCase; 12] = [
        (b'X', b'A', b'U', n, n, 0.0, 0.0, 0, 0, n, lw, liw, -1),
        (b'V', b'X', b'U', n, n, 0.0, 0.0, 0, 0, n, lw, liw, -2),
        (b'V', b'A', b'X', n, n, 0.0, 0.0, 0, 0, n, lw, liw, -3),
        (b'V', b'A', b'U', -1, n, 0.0, 0.0, 0, 0, n, lw, liw, -4),
        (b'V', b'A', b'U', n, n - 1, 0.0, 0.0, 0, 0, n, lw, liw, -6),
        (b'V', b'V', b'U', n, n, 1.0, 1.0, 0, 0, n, lw, liw, -8),
        (b'V', b'I', b'U', n, n, 0.0, 0.0, 0, 2, n, lw, liw, -9),
        (b'V', b'I', b'U', n, n, 0.0, 0.0, 2, n + 1, n, lw, liw, -10),
        (b'V', b'I', b'U', n, n, 0.0, 0.0, 3, 2, n, lw, liw, -10),
        (b'V', b'A', b'U', n, n, 0.0, 0.0, 0, 0, n - 1, lw, liw, -15),
        (b'V', b'A', b'U', n, n, 0.0, 0.0, 0, 0, n, lw - 1, liw, -18),
        (b'V', b'A', b'U', n, n, 0.0, 0.0, 0, 0, n, lw, liw - 1, -20),
    ];
    for (jobz, range, uplo, nn, lda, vl, vu, il, iu, ldz, lwork, liwork, want) in cases {
        let (got, _, _) = run(
            jobz, range, uplo, nn, lda, vl, vu, il, iu, ldz, lwork, liwork, &mut a,
        );
        assert_eq!(
            got, want,
            "jobz {} range {} uplo {}",
            jobz as char, range as char, uplo as char
        );
    }
    // jobz = 'N' only needs ldz >= 1; the query reports LAPACK's minima.
    let (got, qw, qiw) = run(b'N', b'A', b'U', n, n, 0.0, 0.0, 0, 0, 1, -1, -1, &mut a);
    assert_eq!((got, qw as i32, qiw), (0, lw, liw));
    // NaN in the referenced triangle: reported as a failure, not returned as output.
    let mut bad = vec![P::of(1.0); 16];
    bad[5] = P::of(f64::NAN);
    let (got, _, _) = run(b'V', b'A', b'U', n, n, 0.0, 0.0, 0, 0, n, lw, liw, &mut bad);
    assert_eq!(got, openblas_src::FAILED_INFO);
    // n = 0: legal, nothing computed.
    let (got, _, _) = run(b'V', b'A', b'L', 0, 1, 0.0, 0.0, 0, 0, 1, 1, 1, &mut a);
    assert_eq!((got, m), (0, 0));
}

#[test]
fn syevr_errors_f32() {
    check_errors::<f32>();
}

#[test]
fn syevr_errors_f64() {
    check_errors::<f64>();
}
