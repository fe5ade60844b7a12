//! `?gemm`, `?gemv`, `?symv`, `?syrk`, `?syr2k` against naive `f64` loops.

mod common;

use common::*;

/// `(alpha, beta)` pairs: plain product, accumulate, general, scale-only, zero-out.
const ALPHA_BETA: [(f64, f64); 5] = [
    (1.0, 0.0),
    (-0.75, 1.0),
    (1.5, -0.5),
    (0.0, 2.0),
    (0.0, 0.0),
];

/// Fill the logical `rows x cols` part of `m` with NaN (for `beta = 0`: must not be read).
fn poison<P: Prec>(m: &mut Mat<P>) {
    for j in 0..m.cols {
        for i in 0..m.rows {
            m.set(i, j, f64::NAN);
        }
    }
}

fn gemm_case<P: Prec>(
    rng: &mut Lcg,
    ta: u8,
    tb: u8,
    (m, n, k): (usize, usize, usize),
    pad: usize,
    (alpha, beta): (f64, f64),
) {
    let (ar, ac) = if ta.eq_ignore_ascii_case(&b'N') {
        (m, k)
    } else {
        (k, m)
    };
    let (br, bc) = if tb.eq_ignore_ascii_case(&b'N') {
        (k, n)
    } else {
        (n, k)
    };
    let mut a = Mat::<P>::random(ar, ac, pad, rng);
    let mut b = Mat::<P>::random(br, bc, pad + 1, rng);
    let mut c = Mat::<P>::random(m, n, pad + 2, rng);
    if alpha == 0.0 {
        // Not referenced when alpha == 0.
        poison(&mut a);
        poison(&mut b);
    }
    if beta == 0.0 {
        poison(&mut c);
    }
    let c0 = c.clone();
    let (mi, ni, ki) = (m as i32, n as i32, k as i32);
    let (al, be) = (P::of(alpha), P::of(beta));
    unsafe {
        P::gemm_(
            ch(&ta),
            ch(&tb),
            &mi,
            &ni,
            &ki,
            &al,
            a.data.as_ptr(),
            &a.ld(),
            b.data.as_ptr(),
            &b.ld(),
            &be,
            mp(&mut c.data),
            &c.ld(),
        );
    }
    for j in 0..n {
        for i in 0..m {
            let (mut want, mut bound) = (0.0, 0.0);
            if alpha != 0.0 {
                for l in 0..k {
                    let p = a.op(ta, i, l) * b.op(tb, l, j);
                    want += alpha * p;
                    bound += (alpha * p).abs();
                }
            }
            if beta != 0.0 {
                want += beta * c0.get(i, j);
                bound += (beta * c0.get(i, j)).abs();
            }
            let what = format!(
                "gemm {} {} m{m} n{n} k{k} a{alpha} b{beta} ({i},{j})",
                ta as char, tb as char
            );
            assert_blas_close(c.get(i, j), want, bound, k, P::EPS, &what);
        }
    }
    c.assert_padding_intact("gemm C");
}

fn check_gemm<P: Prec>() {
    let mut rng = Lcg::new(11);
    let shapes = [
        (4, 3, 5),
        (1, 6, 2),
        (7, 1, 3),
        (3, 4, 0),
        (0, 3, 2),
        (6, 5, 9),
    ];
    for ta in [b'N', b'T', b'C'] {
        for tb in [b'N', b'T'] {
            for &shape in &shapes {
                for pad in [0, 3] {
                    for ab in ALPHA_BETA {
                        gemm_case::<P>(&mut rng, ta, tb, shape, pad, ab);
                    }
                }
            }
        }
    }
    // Lower-case option letters are accepted (LSAME is case-insensitive).
    gemm_case::<P>(&mut rng, b'n', b't', (3, 2, 4), 1, (1.0, 0.5));
}

#[test]
fn gemm_f32() {
    check_gemm::<f32>();
}

#[test]
fn gemm_f64() {
    check_gemm::<f64>();
}

/// Clarabel's own `gemm` unit test values (exact in floating point).
fn check_gemm_clarabel_values<P: Prec>() {
    let a: Vec<P> = [1.0, 4.0, 2.0, 5.0, 3.0, 6.0].map(P::of).to_vec(); // 2x3
    let b: Vec<P> = [
        1.0, 5.0, 9.0, 2.0, 6.0, 10.0, 3.0, 7.0, 11.0, 4.0, 8.0, 12.0,
    ]
    .map(P::of)
    .to_vec(); // 3x4
    let mut c: Vec<P> = [2.0, 7.0, 6.0, 2.0, 0.0, 7.0, 4.0, 2.0].map(P::of).to_vec();
    let (m, n, k, one) = (2, 4, 3, P::of(1.0));
    unsafe {
        P::gemm_(
            ch(&b'N'),
            ch(&b'N'),
            &m,
            &n,
            &k,
            &one,
            a.as_ptr(),
            &m,
            b.as_ptr(),
            &k,
            &one,
            mp(&mut c),
            &m,
        )
    };
    assert_eq!(
        c,
        [40.0, 90.0, 50.0, 100.0, 50.0, 120.0, 60.0, 130.0].map(P::of)
    );
    let mut c = vec![P::of(0.0); 8];
    let zero = P::of(0.0);
    unsafe {
        P::gemm_(
            ch(&b'T'),
            ch(&b'T'),
            &n,
            &m,
            &k,
            &one,
            b.as_ptr(),
            &k,
            a.as_ptr(),
            &m,
            &zero,
            mp(&mut c),
            &n,
        )
    };
    assert_eq!(
        c,
        [38.0, 44.0, 50.0, 56.0, 83.0, 98.0, 113.0, 128.0].map(P::of)
    );
}

#[test]
fn gemm_clarabel_values_f32() {
    check_gemm_clarabel_values::<f32>();
}

#[test]
fn gemm_clarabel_values_f64() {
    check_gemm_clarabel_values::<f64>();
}

/// Strided vector with `len` logical elements, padding filled with [`SENTINEL`].
fn strided<P: Prec>(len: usize, inc: i32, rng: &mut Lcg) -> Vec<P> {
    let mut v = vec![P::of(SENTINEL); vec_span(len, inc).max(1)];
    for i in 0..len {
        v[vec_pos(i, len, inc)] = P::of(rng.uniform());
    }
    v
}

/// Check a strided output vector `y` against `want`/`bound` and that gaps are untouched.
fn check_strided<P: Prec>(y: &[P], inc: i32, want: &[f64], bound: &[f64], k: usize, what: &str) {
    let len = want.len();
    let mut logical = vec![false; y.len()];
    for i in 0..len {
        let p = vec_pos(i, len, inc);
        logical[p] = true;
        assert_blas_close(
            y[p].f(),
            want[i],
            bound[i],
            k,
            P::EPS,
            &format!("{what} [{i}]"),
        );
    }
    for (p, &is_logical) in logical.iter().enumerate() {
        if !is_logical {
            assert_eq!(y[p].f(), SENTINEL, "{what}: gap {p} written");
        }
    }
}

fn check_gemv<P: Prec>() {
    let mut rng = Lcg::new(22);
    for trans in [b'N', b'T', b'C'] {
        for (m, n) in [(5, 3), (3, 5), (1, 4), (4, 1), (0, 3), (6, 6)] {
            for (incx, incy) in [(1, 1), (2, -1), (-3, 2)] {
                for (alpha, beta) in ALPHA_BETA {
                    let a = Mat::<P>::random(m, n, 2, &mut rng);
                    let (lx, ly) = if trans == b'N' { (n, m) } else { (m, n) };
                    let x = strided::<P>(lx, incx, &mut rng);
                    let mut y = strided::<P>(ly, incy, &mut rng);
                    if beta == 0.0 {
                        for i in 0..ly {
                            y[vec_pos(i, ly, incy)] = P::of(f64::NAN);
                        }
                    }
                    let y0 = y.clone();
                    let (mi, ni, al, be) = (m as i32, n as i32, P::of(alpha), P::of(beta));
                    unsafe {
                        P::gemv_(
                            ch(&trans),
                            &mi,
                            &ni,
                            &al,
                            a.data.as_ptr(),
                            &a.ld(),
                            x.as_ptr(),
                            &incx,
                            &be,
                            mp(&mut y),
                            &incy,
                        );
                    }
                    let (mut want, mut bound) = (vec![0.0; ly], vec![0.0; ly]);
                    for i in 0..ly {
                        for l in 0..lx {
                            let p = alpha * a.op(trans, i, l) * x[vec_pos(l, lx, incx)].f();
                            want[i] += p;
                            bound[i] += p.abs();
                        }
                        if beta != 0.0 {
                            let t = beta * y0[vec_pos(i, ly, incy)].f();
                            want[i] += t;
                            bound[i] += t.abs();
                        }
                    }
                    let what = format!(
                        "gemv {} m{m} n{n} incx{incx} incy{incy} a{alpha} b{beta}",
                        trans as char
                    );
                    if m == 0 || n == 0 {
                        // Quick return: y untouched (even with beta != 1).
                        assert_eq!(
                            y.iter().map(|v| v.f().to_bits()).collect::<Vec<_>>(),
                            y0.iter().map(|v| v.f().to_bits()).collect::<Vec<_>>(),
                            "{what}"
                        );
                    } else {
                        check_strided(&y, incy, &want, &bound, lx, &what);
                    }
                }
            }
        }
    }
}

#[test]
fn gemv_f32() {
    check_gemv::<f32>();
}

#[test]
fn gemv_f64() {
    check_gemv::<f64>();
}

fn check_symv<P: Prec>() {
    let mut rng = Lcg::new(33);
    for uplo in [b'U', b'L'] {
        for n in [1, 2, 5, 8] {
            for (incx, incy) in [(1, 1), (-2, 3)] {
                for (alpha, beta) in ALPHA_BETA {
                    let full = random_symmetric(n, &mut rng);
                    // The unreferenced triangle is NaN: any read of it would show.
                    let a = store_triangle::<P>(&full, uplo, 3, f64::NAN);
                    let x = strided::<P>(n, incx, &mut rng);
                    let mut y = strided::<P>(n, incy, &mut rng);
                    if beta == 0.0 {
                        for i in 0..n {
                            y[vec_pos(i, n, incy)] = P::of(f64::NAN);
                        }
                    }
                    let y0 = y.clone();
                    let (ni, al, be) = (n as i32, P::of(alpha), P::of(beta));
                    unsafe {
                        P::symv_(
                            ch(&uplo),
                            &ni,
                            &al,
                            a.data.as_ptr(),
                            &a.ld(),
                            x.as_ptr(),
                            &incx,
                            &be,
                            mp(&mut y),
                            &incy,
                        )
                    };
                    let (mut want, mut bound) = (vec![0.0; n], vec![0.0; n]);
                    for i in 0..n {
                        for l in 0..n {
                            // Use the stored (rounded) value from the referenced triangle.
                            let aij = if (i <= l) == (uplo == b'U') {
                                a.get(i, l)
                            } else {
                                a.get(l, i)
                            };
                            let p = alpha * aij * x[vec_pos(l, n, incx)].f();
                            want[i] += p;
                            bound[i] += p.abs();
                        }
                        if beta != 0.0 {
                            let t = beta * y0[vec_pos(i, n, incy)].f();
                            want[i] += t;
                            bound[i] += t.abs();
                        }
                    }
                    let what = format!(
                        "symv {} n{n} incx{incx} incy{incy} a{alpha} b{beta}",
                        uplo as char
                    );
                    check_strided(&y, incy, &want, &bound, n, &what);
                }
            }
        }
    }
}

#[test]
fn symv_f32() {
    check_symv::<f32>();
}

#[test]
fn symv_f64() {
    check_symv::<f64>();
}

/// Check the `uplo` triangle of `c` against `want`/`bound` and that the other
/// triangle and padding are untouched.
fn check_triangle<P: Prec>(
    c: &Mat<P>,
    c0: &Mat<P>,
    uplo: u8,
    want: &dyn Fn(usize, usize) -> (f64, f64),
    k: usize,
    what: &str,
) {
    let n = c.rows;
    for j in 0..n {
        for i in 0..n {
            let in_tri = if uplo == b'U' { i <= j } else { i >= j };
            if in_tri {
                let (w, b) = want(i, j);
                assert_blas_close(c.get(i, j), w, b, k, P::EPS, &format!("{what} ({i},{j})"));
            } else {
                assert_eq!(
                    c.get(i, j).to_bits(),
                    c0.get(i, j).to_bits(),
                    "{what}: other triangle ({i},{j}) written"
                );
            }
        }
    }
    c.assert_padding_intact(what);
}

/// `C` for rank-k updates: random triangle, [`SENTINEL`] in the other triangle,
/// NaN in the triangle when `beta == 0`.
fn rank_k_c<P: Prec>(n: usize, uplo: u8, beta: f64, rng: &mut Lcg) -> Mat<P> {
    let full = random_symmetric(n, rng);
    let fill = if beta == 0.0 {
        vec![vec![f64::NAN; n]; n]
    } else {
        full
    };
    store_triangle::<P>(&fill, uplo, 2, SENTINEL)
}

fn check_syrk<P: Prec>() {
    let mut rng = Lcg::new(44);
    for uplo in [b'U', b'L'] {
        for trans in [b'N', b'T', b'C'] {
            for (n, k) in [(4, 3), (1, 5), (6, 1), (5, 0), (0, 2), (7, 7)] {
                for (alpha, beta) in ALPHA_BETA {
                    let (ar, ac) = if trans == b'N' { (n, k) } else { (k, n) };
                    let a = Mat::<P>::random(ar, ac, 3, &mut rng);
                    let mut c = rank_k_c::<P>(n, uplo, beta, &mut rng);
                    let c0 = c.clone();
                    let (ni, ki, al, be) = (n as i32, k as i32, P::of(alpha), P::of(beta));
                    unsafe {
                        P::syrk_(
                            ch(&uplo),
                            ch(&trans),
                            &ni,
                            &ki,
                            &al,
                            a.data.as_ptr(),
                            &a.ld(),
                            &be,
                            mp(&mut c.data),
                            &c.ld(),
                        )
                    };
                    // op(A) is n x k: A for 'N', A^T for 'T'.
                    let want = |i: usize, j: usize| {
                        let (mut w, mut b) = (0.0, 0.0);
                        if alpha != 0.0 {
                            for l in 0..k {
                                let p = alpha * a.op(trans, i, l) * a.op(trans, j, l);
                                w += p;
                                b += p.abs();
                            }
                        }
                        if beta != 0.0 {
                            w += beta * c0.get(i, j);
                            b += (beta * c0.get(i, j)).abs();
                        }
                        (w, b)
                    };
                    let what = format!(
                        "syrk {} {} n{n} k{k} a{alpha} b{beta}",
                        uplo as char, trans as char
                    );
                    check_triangle(&c, &c0, uplo, &want, k, &what);
                }
            }
        }
    }
}

#[test]
fn syrk_f32() {
    check_syrk::<f32>();
}

#[test]
fn syrk_f64() {
    check_syrk::<f64>();
}

fn check_syr2k<P: Prec>() {
    let mut rng = Lcg::new(55);
    for uplo in [b'U', b'L'] {
        for trans in [b'N', b'T', b'C'] {
            for (n, k) in [(4, 3), (1, 5), (6, 1), (5, 0), (0, 2), (7, 7)] {
                for (alpha, beta) in ALPHA_BETA {
                    let (ar, ac) = if trans == b'N' { (n, k) } else { (k, n) };
                    let a = Mat::<P>::random(ar, ac, 3, &mut rng);
                    let b = Mat::<P>::random(ar, ac, 1, &mut rng);
                    let mut c = rank_k_c::<P>(n, uplo, beta, &mut rng);
                    let c0 = c.clone();
                    let (ni, ki, al, be) = (n as i32, k as i32, P::of(alpha), P::of(beta));
                    unsafe {
                        P::syr2k_(
                            ch(&uplo),
                            ch(&trans),
                            &ni,
                            &ki,
                            &al,
                            a.data.as_ptr(),
                            &a.ld(),
                            b.data.as_ptr(),
                            &b.ld(),
                            &be,
                            mp(&mut c.data),
                            &c.ld(),
                        )
                    };
                    let want = |i: usize, j: usize| {
                        let (mut w, mut bd) = (0.0, 0.0);
                        if alpha != 0.0 {
                            for l in 0..k {
                                let p = alpha * a.op(trans, i, l) * b.op(trans, j, l);
                                let q = alpha * b.op(trans, i, l) * a.op(trans, j, l);
                                w += p + q;
                                bd += p.abs() + q.abs();
                            }
                        }
                        if beta != 0.0 {
                            w += beta * c0.get(i, j);
                            bd += (beta * c0.get(i, j)).abs();
                        }
                        (w, bd)
                    };
                    let what = format!(
                        "syr2k {} {} n{n} k{k} a{alpha} b{beta}",
                        uplo as char, trans as char
                    );
                    check_triangle(&c, &c0, uplo, &want, 2 * k, &what);
                }
            }
        }
    }
}

#[test]
fn syr2k_f32() {
    check_syr2k::<f32>();
}

#[test]
fn syr2k_f64() {
    check_syr2k::<f64>();
}

/// Illegal arguments: reported (xerbla message) and no output touched.
fn check_blas_illegal_arguments<P: Prec>() {
    let mut rng = Lcg::new(66);
    let a = Mat::<P>::random(4, 4, 0, &mut rng);
    let x = [P::of(1.0); 4];
    let (one, four, three, zero_i) = (P::of(1.0), 4, 3, 0);
    let c0 = Mat::<P>::random(4, 4, 0, &mut rng);
    let same = |c: &Mat<P>| {
        c.data
            .iter()
            .zip(&c0.data)
            .all(|(p, q)| p.f().to_bits() == q.f().to_bits())
    };

    let mut c = c0.clone();
    // gemm: bad transa, then lda < m.
    unsafe {
        P::gemm_(
            ch(&b'X'),
            ch(&b'N'),
            &four,
            &four,
            &four,
            &one,
            a.data.as_ptr(),
            &four,
            a.data.as_ptr(),
            &four,
            &one,
            mp(&mut c.data),
            &four,
        )
    };
    assert!(same(&c), "gemm bad transa wrote C");
    unsafe {
        P::gemm_(
            ch(&b'N'),
            ch(&b'N'),
            &four,
            &four,
            &four,
            &one,
            a.data.as_ptr(),
            &three,
            a.data.as_ptr(),
            &four,
            &one,
            mp(&mut c.data),
            &four,
        )
    };
    assert!(same(&c), "gemm lda < m wrote C");
    // syrk: bad uplo; syr2k: ldc < n.
    unsafe {
        P::syrk_(
            ch(&b'Q'),
            ch(&b'N'),
            &four,
            &four,
            &one,
            a.data.as_ptr(),
            &four,
            &one,
            mp(&mut c.data),
            &four,
        )
    };
    assert!(same(&c), "syrk bad uplo wrote C");
    unsafe {
        P::syr2k_(
            ch(&b'U'),
            ch(&b'N'),
            &four,
            &four,
            &one,
            a.data.as_ptr(),
            &four,
            a.data.as_ptr(),
            &four,
            &one,
            mp(&mut c.data),
            &three,
        )
    };
    assert!(same(&c), "syr2k ldc < n wrote C");
    // gemv / symv: zero increment.
    let mut y = c0.data[..4].to_vec();
    let y0 = y.clone();
    unsafe {
        P::gemv_(
            ch(&b'N'),
            &four,
            &four,
            &one,
            a.data.as_ptr(),
            &four,
            x.as_ptr(),
            &zero_i,
            &one,
            mp(&mut y),
            &1,
        )
    };
    assert_eq!(y, y0, "gemv incx = 0 wrote y");
    unsafe {
        P::symv_(
            ch(&b'U'),
            &four,
            &one,
            a.data.as_ptr(),
            &four,
            x.as_ptr(),
            &1,
            &one,
            mp(&mut y),
            &zero_i,
        )
    };
    assert_eq!(y, y0, "symv incy = 0 wrote y");
}

#[test]
fn blas_illegal_arguments_f32() {
    check_blas_illegal_arguments::<f32>();
}

#[test]
fn blas_illegal_arguments_f64() {
    check_blas_illegal_arguments::<f64>();
}
