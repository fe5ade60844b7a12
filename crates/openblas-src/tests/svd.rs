//! `?gesdd` / `?gesvd` checked through `U diag(s) V^T = A`, orthogonality of
//! `U` and `V`, ordering of `s`, every job option, the workspace query and
//! the error codes.

mod common;

use common::*;

struct Svd {
    info: i32,
    s: Vec<f64>,
    /// `m x (k or m)` left vectors, if computed.
    u: Option<Vec<Vec<f64>>>,
    /// `(k or n) x n` right vectors (transposed), if computed.
    vt: Option<Vec<Vec<f64>>>,
}

/// Dense `rows x cols` block of a column-major buffer.
fn block<P: Prec>(buf: &[P], ld: usize, rows: usize, cols: usize) -> Vec<Vec<f64>> {
    (0..rows)
        .map(|i| (0..cols).map(|j| buf[i + j * ld].f()).collect())
        .collect()
}

/// Every entry of `buf` outside the `rows x cols` block (leading dimension `ld`) is still [`SENTINEL`].
fn assert_outside_untouched<P: Prec>(buf: &[P], ld: usize, rows: usize, cols: usize, what: &str) {
    for (p, v) in buf.iter().enumerate() {
        let (i, j) = (p % ld, p / ld);
        if i >= rows || j >= cols {
            assert_eq!(
                v.f(),
                SENTINEL,
                "{what}: ({i},{j}) outside the output written"
            );
        }
    }
}

/// Which driver to call: `?gesdd` with `jobz`, or `?gesvd` with `(jobu, jobvt)`.
#[derive(Clone, Copy, Debug)]
enum Driver {
    Gesdd(u8),
    Gesvd(u8, u8),
}

/// Run the driver the way Clarabel does (one-element `work`, `lwork = -1`
/// query, resize, call; `iwork` of `8 min(m,n)`), with `ldu = m + pad`,
/// `ldvt = (rows of VT) + pad`, and collect the factors from wherever the job
/// put them (`U`, `VT`, or `A` for `'O'`).
fn run<P: Prec>(driver: Driver, a0: &Mat<P>, pad: usize) -> Svd {
    let (m, n) = (a0.rows, a0.cols);
    let k = m.min(n);
    let mut a = a0.clone();
    let (jobu, jobvt) = match driver {
        Driver::Gesdd(b'O') => {
            if m >= n {
                (b'O', b'S')
            } else {
                (b'S', b'O')
            }
        }
        Driver::Gesdd(j) => (j, j),
        Driver::Gesvd(u, v) => (u, v),
    };
    let ucols = if jobu == b'A' { m } else { k };
    let vtrows = if jobvt == b'A' { n } else { k };
    let (ldu, ldvt) = (m + pad, vtrows.max(1) + pad);
    let mut u = vec![P::of(SENTINEL); ldu * ucols.max(1)];
    let mut vt = vec![P::of(SENTINEL); ldvt * n.max(1)];
    let mut s = vec![P::of(SENTINEL); k.max(1)];
    let mut work = vec![P::of(1.0)];
    let mut iwork = vec![0; 8 * k.max(1)];
    let (mi, ni, mut info) = (m as i32, n as i32, 0);
    let mut call = |lwork: i32, work: &mut Vec<P>, info: &mut i32| unsafe {
        match driver {
            Driver::Gesdd(j) => P::gesdd_(
                ch(&j),
                &mi,
                &ni,
                mp(&mut a.data),
                &a.ld(),
                mp(&mut s),
                mp(&mut u),
                &(ldu as i32),
                mp(&mut vt),
                &(ldvt as i32),
                mp(work),
                &lwork,
                mp(&mut iwork),
                info,
            ),
            Driver::Gesvd(ju, jv) => P::gesvd_(
                ch(&ju),
                ch(&jv),
                &mi,
                &ni,
                mp(&mut a.data),
                &a.ld(),
                mp(&mut s),
                mp(&mut u),
                &(ldu as i32),
                mp(&mut vt),
                &(ldvt as i32),
                mp(work),
                &lwork,
                info,
            ),
        }
    };
    call(-1, &mut work, &mut info);
    assert_eq!(info, 0, "{driver:?} query");
    let lwork = work[0].f() as i32;
    work.resize(lwork as usize, P::of(0.0));
    call(lwork, &mut work, &mut info);
    let what = format!("{driver:?} {m}x{n}");
    let uf = match jobu {
        b'A' | b'S' => {
            assert_outside_untouched(&u, ldu, m, ucols, &format!("{what} U"));
            Some(block(&u, ldu, m, ucols))
        }
        b'O' => Some(block(&a.data, a.ld, m, k)),
        _ => {
            assert!(
                u.iter().all(|v| v.f() == SENTINEL),
                "{what}: U written for job N/O"
            );
            None
        }
    };
    let vf = match jobvt {
        b'A' | b'S' => {
            assert_outside_untouched(&vt, ldvt, vtrows, n, &format!("{what} VT"));
            Some(block(&vt, ldvt, vtrows, n))
        }
        b'O' => Some(block(&a.data, a.ld, k, n)),
        _ => {
            assert!(
                vt.iter().all(|v| v.f() == SENTINEL),
                "{what}: VT written for job N/O"
            );
            None
        }
    };
    a.assert_padding_intact(&what);
    Svd {
        info,
        s: s[..k].iter().map(|v| v.f()).collect(),
        u: uf,
        vt: vf,
    }
}

/// Verify a decomposition of `a`: ordering, `||A - U_k S V_k^T|| / (max(m,n) eps ||A||)`
/// (LAPACK test `dbdt01`'s ratio) and orthogonality of every returned factor.
fn verify<P: Prec>(a: &Mat<P>, r: &Svd, what: &str) {
    let (m, n) = (a.rows, a.cols);
    let k = m.min(n);
    assert_eq!(r.info, 0, "{what}");
    assert!(
        r.s.iter().all(|&x| x >= 0.0),
        "{what}: negative singular value"
    );
    assert!(
        r.s.windows(2).all(|p| p[0] >= p[1]),
        "{what}: not descending {:?}",
        r.s
    );
    let scale = m.max(n) as f64 * P::EPS;
    if let Some(u) = &r.u {
        let ratio = orthogonality_ratio(u, P::EPS);
        assert!(ratio < THRESH, "{what}: U orthogonality {ratio}");
    }
    if let Some(vt) = &r.vt {
        let ratio = orthogonality_ratio(&transpose(vt), P::EPS);
        assert!(ratio < THRESH, "{what}: V orthogonality {ratio}");
    }
    if let (Some(u), Some(vt)) = (&r.u, &r.vt) {
        let us: Vec<Vec<f64>> = u
            .iter()
            .map(|row| (0..k).map(|j| row[j] * r.s[j]).collect())
            .collect();
        let vk: Vec<Vec<f64>> = vt[..k].to_vec();
        let ad = a.to_f64();
        let ratio = fro(&sub(&matmul(&us, &vk), &ad)) / (scale * fro(&ad).max(f64::MIN_POSITIVE));
        assert!(ratio < THRESH, "{what}: reconstruction {ratio}");
    }
}

fn shapes() -> Vec<(usize, usize)> {
    vec![(7, 4), (4, 7), (5, 5), (1, 1), (1, 5), (5, 1), (12, 9)]
}

fn check_gesdd<P: Prec>() {
    let mut rng = Lcg::new(2024);
    for (m, n) in shapes() {
        for pad in [0, 2] {
            let a = Mat::<P>::random(m, n, pad, &mut rng);
            let s_only = run(Driver::Gesdd(b'N'), &a, pad);
            assert_eq!(s_only.info, 0);
            for jobz in [b'S', b'A', b'O'] {
                let r = run(Driver::Gesdd(jobz), &a, pad);
                let what = format!("gesdd {} {m}x{n} pad{pad}", jobz as char);
                verify(&a, &r, &what);
                let tol = THRESH * m.max(n) as f64 * P::EPS * r.s[0];
                assert!(
                    r.s.iter().zip(&s_only.s).all(|(x, y)| (x - y).abs() <= tol),
                    "{what}: s differs from jobz = N"
                );
            }
        }
    }
}

#[test]
fn gesdd_f32() {
    check_gesdd::<f32>();
}

#[test]
fn gesdd_f64() {
    check_gesdd::<f64>();
}

fn check_gesvd<P: Prec>() {
    let mut rng = Lcg::new(4048);
    let jobs = [b'N', b'S', b'A', b'O'];
    for (m, n) in shapes() {
        let a = Mat::<P>::random(m, n, 1, &mut rng);
        for ju in jobs {
            for jv in jobs {
                if ju == b'O' && jv == b'O' {
                    continue; // illegal, checked below
                }
                let r = run(Driver::Gesvd(ju, jv), &a, 1);
                verify(
                    &a,
                    &r,
                    &format!("gesvd {} {} {m}x{n}", ju as char, jv as char),
                );
            }
        }
    }
}

#[test]
fn gesvd_f32() {
    check_gesvd::<f32>();
}

#[test]
fn gesvd_f64() {
    check_gesvd::<f64>();
}

/// Rank-deficient input (rank 2, 6x5): zero singular values, and the factors
/// (including the completed bases for `'A'`) must still be orthonormal.
/// Also an exactly known case: `[[0, 2], [0, 0], [-3, 0]]` has `s = {3, 2}`.
fn check_special<P: Prec>() {
    let mut rng = Lcg::new(77);
    let x = Mat::<f64>::random(6, 2, 0, &mut rng);
    let y = Mat::<f64>::random(2, 5, 0, &mut rng);
    let prod = matmul(&x.to_f64(), &y.to_f64());
    let a = Mat::<P>::from_fn(6, 5, 2, |i, j| prod[i][j]);
    for driver in [
        Driver::Gesdd(b'S'),
        Driver::Gesdd(b'A'),
        Driver::Gesvd(b'S', b'S'),
        Driver::Gesvd(b'A', b'A'),
    ] {
        let r = run(driver, &a, 0);
        verify(&a, &r, &format!("rank-2 {driver:?}"));
        let tol = THRESH * 6.0 * P::EPS * r.s[0];
        assert!(
            r.s[2..].iter().all(|&v| v <= tol),
            "{driver:?}: rank-2 tail {:?}",
            r.s
        );
    }
    let exact = Mat::<P>::from_fn(3, 2, 0, |i, j| [[0.0, 2.0], [0.0, 0.0], [-3.0, 0.0]][i][j]);
    for driver in [Driver::Gesdd(b'S'), Driver::Gesvd(b'N', b'N')] {
        let r = run(driver, &exact, 0);
        assert!(
            (r.s[0] - 3.0).abs() <= 3.0 * THRESH * P::EPS
                && (r.s[1] - 2.0).abs() <= 2.0 * THRESH * P::EPS,
            "{:?}",
            r.s
        );
    }
    // The zero matrix.
    let zero = Mat::<P>::from_fn(4, 3, 0, |_, _| 0.0);
    let r = run(Driver::Gesdd(b'A'), &zero, 0);
    assert_eq!(r.s, vec![0.0; 3]);
    verify(&zero, &r, "zero matrix");
}

#[test]
fn svd_special_matrices_f32() {
    check_special::<f32>();
}

#[test]
fn svd_special_matrices_f64() {
    check_special::<f64>();
}

/// `(jobz, m, n, lda, ldu, ldvt, lwork, expected info)`.
type GesddCase = (u8, i32, i32, i32, i32, i32, i32, i32);
/// `(jobu, jobvt, m, n, lda, ldu, ldvt, lwork, expected info)`.
type GesvdCase = (u8, u8, i32, i32, i32, i32, i32, i32, i32);

fn check_errors<P: Prec>() {
    let mut a = vec![P::of(1.0); 64];
    let (mut s, mut u, mut vt) = (
        vec![P::of(0.0); 8],
        vec![P::of(0.0); 64],
        vec![P::of(0.0); 64],
    );
    let (mut work, mut iwork) = (vec![P::of(0.0); 500], vec![0; 64]);
    let mut info = 0;
    let (m, n) = (6, 4);
    let dd_min = 4 * 16 + 7 * 4; // documented minimum for jobz = 'S'
    let dd: [GesddCase; 8] = [
        (b'X', m, n, m, m, n, dd_min, -1),
        (b'S', -1, n, m, m, n, dd_min, -2),
        (b'S', m, -1, m, m, n, dd_min, -3),
        (b'S', m, n, m - 1, m, n, dd_min, -5),
        (b'S', m, n, m, m - 1, n, dd_min, -8),
        (b'S', m, n, m, m, n - 1, dd_min, -10),
        (b'A', m, n, m, m, n - 1, 500, -10),
        (b'S', m, n, m, m, n, dd_min - 1, -12),
    ];
    for (jobz, mm, nn, lda, ldu, ldvt, lwork, want) in dd {
        unsafe {
            P::gesdd_(
                ch(&jobz),
                &mm,
                &nn,
                mp(&mut a),
                &lda,
                mp(&mut s),
                mp(&mut u),
                &ldu,
                mp(&mut vt),
                &ldvt,
                mp(&mut work),
                &lwork,
                mp(&mut iwork),
                &mut info,
            )
        };
        assert_eq!(info, want, "gesdd case {}", jobz as char);
    }
    let sv_min = 20; // max(3 min(m,n) + max(m,n), 5 min(m,n)) = max(18, 20)
                     // (jobu, jobvt, m, n, lda, ldu, ldvt, lwork, expected info)
    let sv: [GesvdCase; 9] = [
        (b'X', b'S', m, n, m, m, n, sv_min, -1),
        (b'S', b'X', m, n, m, m, n, sv_min, -2),
        (b'O', b'O', m, n, m, m, n, sv_min, -2),
        (b'S', b'S', -1, n, m, m, n, sv_min, -3),
        (b'S', b'S', m, -1, m, m, n, sv_min, -4),
        (b'S', b'S', m, n, m - 1, m, n, sv_min, -6),
        (b'A', b'S', m, n, m, m - 1, n, sv_min, -9),
        (b'S', b'A', m, n, m, m, n - 1, sv_min, -11),
        (b'S', b'S', m, n, m, m, n, sv_min - 1, -13),
    ];
    for (ju, jv, mm, nn, lda, ldu, ldvt, lwork, want) in sv {
        unsafe {
            P::gesvd_(
                ch(&ju),
                ch(&jv),
                &mm,
                &nn,
                mp(&mut a),
                &lda,
                mp(&mut s),
                mp(&mut u),
                &ldu,
                mp(&mut vt),
                &ldvt,
                mp(&mut work),
                &lwork,
                &mut info,
            )
        };
        assert_eq!(info, want, "gesvd case {} {}", ju as char, jv as char);
    }
    assert!(a.iter().all(|v| v.f() == 1.0), "illegal call wrote A");
    // NaN input: failure reported through info.
    a[3] = P::of(f64::NAN);
    unsafe {
        P::gesdd_(
            ch(&b'S'),
            &m,
            &n,
            mp(&mut a),
            &m,
            mp(&mut s),
            mp(&mut u),
            &m,
            mp(&mut vt),
            &n,
            mp(&mut work),
            &500,
            mp(&mut iwork),
            &mut info,
        )
    };
    assert_eq!(info, openblas_src::FAILED_INFO);
    unsafe {
        P::gesvd_(
            ch(&b'N'),
            ch(&b'N'),
            &m,
            &n,
            mp(&mut a),
            &m,
            mp(&mut s),
            mp(&mut u),
            &1,
            mp(&mut vt),
            &1,
            mp(&mut work),
            &500,
            &mut info,
        )
    };
    assert_eq!(info, openblas_src::FAILED_INFO);
    // Empty matrix: legal quick return.
    unsafe {
        P::gesdd_(
            ch(&b'S'),
            &0,
            &n,
            mp(&mut a),
            &1,
            mp(&mut s),
            mp(&mut u),
            &1,
            mp(&mut vt),
            &1,
            mp(&mut work),
            &1,
            mp(&mut iwork),
            &mut info,
        )
    };
    assert_eq!(info, 0);
}

#[test]
fn svd_errors_f32() {
    check_errors::<f32>();
}

#[test]
fn svd_errors_f64() {
    check_errors::<f64>();
}

/// A workspace size that is not exactly representable in single precision is
/// rounded *up* in `work[0]` (like LAPACK's `sroundup_lwork`), so the value read
/// back is always accepted.
#[test]
fn workspace_query_rounds_up_in_single_precision() {
    let (m, n) = (3001, 3001);
    let need: i64 = 4 * 3001 * 3001 + 7 * 3001; // 36_045_011, odd: not an f32
    let (mut a, mut s, mut u, mut vt, mut work, mut iwork) =
        ([0f32], [0f32], [0f32], [0f32], [0f32], [0]);
    let mut info = 0;
    unsafe {
        openblas_src::sgesdd_(
            ch(&b'S'),
            &m,
            &n,
            mp(&mut a),
            &m,
            mp(&mut s),
            mp(&mut u),
            &m,
            mp(&mut vt),
            &n,
            mp(&mut work),
            &-1,
            mp(&mut iwork),
            &mut info,
        )
    };
    assert_eq!(info, 0);
    assert!(work[0] as i64 >= need, "{} < {need}", work[0]);
}
