//! The figures of Section VII and the CSV data behind each.

use std::path::Path;

use super::{ReproduceError, Results, TRADEOFF_SCHEMES};
use crate::design::{Design, Scheme};
use crate::geometry::array::steering;
use crate::geometry::paths::azimuth;
use crate::plot::{
    write_figure, write_heatmaps, Figure, HeatMap, HeatMapFigure, MapMarker, Marker, Panel, Series,
    Style,
};
use crate::sweep::{self, curve};

/// Lowest floor of the beam maps, dB below the strongest value of all maps. The floor is the
/// weakest value of all maps rounded down to [`MAP_FLOOR_STEP_DB`], but never below this, so
/// the colour scale spans the data and a deep null does not flatten everything else.
const MAP_FLOOR_DB: f64 = -40.0;
/// Rounding step of the beam-map floor, dB.
const MAP_FLOOR_STEP_DB: f64 = 5.0;
/// Free space around the objects in the beam maps, m.
const MAP_MARGIN_M: f64 = 5.0;

/// Writes every figure and CSV into `dir`; returns the file names.
pub(super) fn write_all(r: &Results, dir: &Path) -> Result<Vec<String>, ReproduceError> {
    let mut files = Vec::new();
    let mut emit = |stem: &str, csv: Option<Vec<u8>>| -> Result<(), ReproduceError> {
        if let Some(bytes) = csv {
            let name = format!("{stem}.csv");
            std::fs::write(dir.join(&name), bytes).map_err(|source| ReproduceError::Io {
                path: dir.join(&name),
                source,
            })?;
            files.push(name);
        }
        files.push(format!("{stem}.png"));
        files.push(format!("{stem}.svg"));
        Ok(())
    };

    // Fig. 2: Analog-FDB objective against iteration.
    write_figure(&fig2(r), &dir.join("fig2"))?;
    emit("fig2", Some(fig2_csv(r)?))?;

    // Fig. 3: derivative beampatterns and their analog codewords.
    write_figure(&fig3(r), &dir.join("fig3"))?;
    emit("fig3", Some(fig3_csv(r)?))?;

    // Fig. 4: 2-D beam maps.
    let (maps, map_csv) = fig4(r)?;
    write_heatmaps(&maps, &dir.join("fig4"))?;
    emit("fig4", Some(map_csv))?;

    // Figs. 5 and 6: the trade-offs; one CSV holds every design of every sweep.
    write_figure(&fig5(r), &dir.join("fig5"))?;
    emit("fig5", None)?;
    write_figure(&fig6(r), &dir.join("fig6"))?;
    emit("fig6", None)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(sweep::CSV_HEADER)?;
    for p in r.points.iter().chain(&r.fusion) {
        w.write_record(sweep::csv_record(p, &r.scenario.name))?;
    }
    let bytes = w.into_inner().map_err(|e| ReproduceError::Io {
        path: dir.join("tradeoff.csv"),
        source: std::io::Error::other(e.to_string()),
    })?;
    std::fs::write(dir.join("tradeoff.csv"), bytes).map_err(|source| ReproduceError::Io {
        path: dir.join("tradeoff.csv"),
        source,
    })?;
    files.push("tradeoff.csv".into());
    Ok(files)
}

fn csv_bytes(
    header: &[String],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, ReproduceError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.into_inner().map_err(|e| ReproduceError::Io {
        path: "csv".into(),
        source: std::io::Error::other(e.to_string()),
    })
}

fn fig2(r: &Results) -> Figure {
    let trace = r.analog_fdb.trace.clone().unwrap_or_default();
    Figure {
        title: Some(format!(
            "Fig. 2: Analog-FDB convergence (K = {}, α = 0.5)",
            r.k_max
        )),
        panels: vec![Panel {
            x_label: "iteration".into(),
            // Guides named V_BP, V_MS: the bundled font has no combining hat or check.
            y_label: "objective α‖FFᴴ − V_BP‖² + (1−α)‖FFᴴ − V_MS‖² [W²]".into(),
            series: vec![Series {
                label: "Analog-FDB (best start)".into(),
                points: trace
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (i as f64, v))
                    .collect(),
                style: Style {
                    color: 0,
                    dash: false,
                    marker: Some(Marker::Circle),
                },
            }],
            log_y: true,
            ..Panel::default()
        }],
        columns: 1,
        panel_size_px: (800, 560),
    }
}

fn fig2_csv(r: &Results) -> Result<Vec<u8>, ReproduceError> {
    let trace = r.analog_fdb.trace.clone().unwrap_or_default();
    csv_bytes(
        &["iteration".into(), "objective_w2".into()],
        trace
            .iter()
            .enumerate()
            .map(|(i, v)| vec![i.to_string(), format!("{v:e}")]),
    )
}

/// One path of Fig. 3: `(θ_k, derivative gain, codeword gain, match error)`, gains normalised to
/// a peak of 1.
type CodewordCurves = (f64, Vec<f64>, Vec<f64>, f64);

/// The angle grid and the curves of every path.
fn fig3_data(r: &Results) -> (Vec<f64>, Vec<CodewordCurves>) {
    let Some(book) = r
        .analog_cpa
        .analog
        .as_ref()
        .and_then(|a| a.codebook.as_ref())
    else {
        return (Vec::new(), Vec::new());
    };
    let norm = |g: &[f64]| {
        let peak = g.iter().copied().fold(f64::MIN_POSITIVE, f64::max);
        g.iter().map(|x| x / peak).collect::<Vec<f64>>()
    };
    let words = book
        .codewords
        .iter()
        .map(|c| {
            (
                c.theta_rad,
                norm(&c.derivative_gain),
                norm(&c.codeword_gain),
                c.match_error_rel,
            )
        })
        .collect();
    (book.grid_rad.clone(), words)
}

fn fig3(r: &Results) -> Figure {
    let (grid, words) = fig3_data(r);
    let mut series = Vec::new();
    for (k, (theta, dgain, cgain, err)) in words.iter().enumerate() {
        // Path 0 is the UE (the LOS for BP), paths 1..K the targets.
        let object = if k == 0 {
            "UE".to_string()
        } else {
            format!("target {k}")
        };
        series.push(Series {
            label: format!("|a(x)ᴴ ȧ(θ_{k})|², θ_{k} = {theta:.2} rad ({object})"),
            points: grid.iter().copied().zip(dgain.iter().copied()).collect(),
            style: Style {
                color: k,
                dash: false,
                marker: None,
            },
        });
        series.push(Series {
            label: format!("analog codeword {k} (match error {:.1}%)", 100.0 * err),
            points: grid.iter().copied().zip(cgain.iter().copied()).collect(),
            style: Style {
                color: k,
                dash: true,
                marker: None,
            },
        });
    }
    Figure {
        title: Some("Fig. 3: derivative codewords and their analog replacements".into()),
        panels: vec![Panel {
            x_label: "angle x [rad]".into(),
            y_label: "normalised beamforming gain".into(),
            series,
            x_range: Some((0.0, std::f64::consts::PI)),
            y_range: Some((0.0, 1.05)),
            ..Panel::default()
        }],
        columns: 1,
        panel_size_px: (900, 640),
    }
}

fn fig3_csv(r: &Results) -> Result<Vec<u8>, ReproduceError> {
    let (grid, words) = fig3_data(r);
    let mut header = vec!["angle_rad".to_string()];
    for k in 0..words.len() {
        header.push(format!("derivative_{k}_gain_norm"));
        header.push(format!("codeword_{k}_gain_norm"));
    }
    csv_bytes(
        &header,
        grid.iter().enumerate().map(|(i, x)| {
            let mut row = vec![format!("{x:e}")];
            for (_, d, c, _) in &words {
                row.push(format!("{:e}", d[i]));
                row.push(format!("{:e}", c[i]));
            }
            row
        }),
    )
}

/// Transmit gain `a_B(θ)ᴴ V a_B(θ)` relative to the budget, painted over the plane at each
/// point's angle of departure.
fn gain_db(r: &Results, d: &Design, x: f64, y: f64) -> f64 {
    let s = &r.scene;
    let theta = azimuth(s.p_bs, [x, y]);
    let a = steering(s.n_bs, theta, s.normalization);
    let g = (a.adjoint() * &d.covariance * &a)[(0, 0)].re / d.power_budget_w;
    10.0 * g.max(1e-300).log10()
}

fn fig4(r: &Results) -> Result<(HeatMapFigure, Vec<u8>), ReproduceError> {
    let s = &r.scene;
    let objects: Vec<[f64; 2]> = std::iter::once(s.p_bs)
        .chain(std::iter::once(s.p_ue))
        .chain(s.p_targets.iter().copied())
        .collect();
    let xs = objects.iter().map(|p| p[0]);
    let ys = objects.iter().map(|p| p[1]);
    let x_range = (
        xs.clone().fold(f64::INFINITY, f64::min) - MAP_MARGIN_M,
        xs.fold(f64::NEG_INFINITY, f64::max) + MAP_MARGIN_M,
    );
    // Only the half-plane in front of the BS array is covered by the model.
    let y_range = (
        s.p_bs[1] + 0.5,
        ys.fold(f64::NEG_INFINITY, f64::max) + MAP_MARGIN_M,
    );
    let n = r.options.map_grid;
    let at = |(lo, hi): (f64, f64), i: usize| lo + (hi - lo) * i as f64 / (n - 1) as f64;

    let mut raw: Vec<Vec<Vec<f64>>> = Vec::new();
    for (_, _, d) in &r.extremes {
        raw.push(
            (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| gain_db(r, d, at(x_range, j), at(y_range, i)))
                        .collect()
                })
                .collect(),
        );
    }
    let (weakest, peak) = raw
        .iter()
        .flatten()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let floor_db = ((weakest - peak) / MAP_FLOOR_STEP_DB).floor() * MAP_FLOOR_STEP_DB;
    let floor_db = floor_db.clamp(MAP_FLOOR_DB, -MAP_FLOOR_STEP_DB);
    let mut markers = vec![
        MapMarker {
            label: "BS".into(),
            position: (s.p_bs[0], s.p_bs[1].max(y_range.0)),
            marker: Marker::Square,
        },
        MapMarker {
            label: "UE".into(),
            position: (s.p_ue[0], s.p_ue[1]),
            marker: Marker::Triangle,
        },
    ];
    for (k, p) in s.p_targets.iter().enumerate() {
        markers.push(MapMarker {
            label: format!("T{}", k + 1),
            position: (p[0], p[1]),
            marker: Marker::Circle,
        });
    }

    let mut maps = Vec::new();
    let mut rows = Vec::new();
    // The paper's layout: BP-optimal designs on top, MS-optimal below, one family per column.
    for alpha in [1.0, 0.0] {
        for (idx, (label, a, _)) in r.extremes.iter().enumerate() {
            if (*a - alpha).abs() > 0.5 {
                continue;
            }
            let values: Vec<Vec<f64>> = raw[idx]
                .iter()
                .map(|row| row.iter().map(|v| (v - peak).max(floor_db)).collect())
                .collect();
            for (i, row) in values.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    rows.push(vec![
                        label.clone(),
                        format!("{alpha}"),
                        format!("{:e}", at(x_range, j)),
                        format!("{:e}", at(y_range, i)),
                        format!("{v:.3}"),
                    ]);
                }
            }
            let task = if alpha > 0.5 {
                "BP-optimal (α = 1)"
            } else {
                "MS-optimal (α = 0)"
            };
            maps.push(HeatMap {
                title: format!("{label}, {task}"),
                x_label: "x [m]".into(),
                y_label: "y [m]".into(),
                x_range,
                y_range,
                values,
                value_label: "transmit gain a(θ)ᴴVa(θ) / P_t [dB re max]".into(),
                value_range: Some((floor_db, 0.0)),
                markers: markers.clone(),
            });
        }
    }
    let csv = csv_bytes(
        &[
            "design".into(),
            "alpha".into(),
            "x_m".into(),
            "y_m".into(),
            "gain_db_re_max".into(),
        ],
        rows.into_iter(),
    )?;
    let fig = HeatMapFigure {
        title: Some("Fig. 4: transmit beam maps over the scene".into()),
        maps,
        columns: 4,
        map_size_px: (560, 480),
    };
    Ok((fig, csv))
}

/// Colour per K, marker and dash per scheme kind.
fn style(scheme: Scheme, k_index: usize) -> Style {
    let (marker, dash) = match scheme {
        Scheme::FdbWcrb | Scheme::CpaWcrb | Scheme::Fusion => (Marker::Circle, false),
        Scheme::FdbWcm | Scheme::CpaWcm | Scheme::AnalogFdb | Scheme::AnalogCpa => {
            (Marker::Square, false)
        }
        Scheme::FdbWbf | Scheme::CpaWbf => (Marker::Triangle, true),
    };
    Style {
        color: k_index,
        dash,
        marker: Some(marker),
    }
}

fn tradeoff_panel(title: &str, series: Vec<Series>) -> Panel {
    Panel {
        title: title.into(),
        x_label: "√CRB of BP [m]".into(),
        y_label: "√CRB of MS [m]".into(),
        series,
        log_x: true,
        log_y: true,
        ..Panel::default()
    }
}

fn fig5(r: &Results) -> Figure {
    let panels = [
        (
            "(a) Digital FDB",
            vec![Scheme::FdbWcrb, Scheme::FdbWcm, Scheme::FdbWbf],
        ),
        (
            "(b) Digital CPA",
            vec![Scheme::CpaWcrb, Scheme::CpaWcm, Scheme::CpaWbf],
        ),
        ("(c) Analog FDB", vec![Scheme::AnalogFdb]),
        ("(d) Analog CPA", vec![Scheme::AnalogCpa]),
    ]
    .into_iter()
    .map(|(title, schemes)| {
        let mut series = Vec::new();
        for scheme in schemes {
            for (ki, &k) in r.options.targets.iter().enumerate() {
                let points = curve(&r.points, scheme, k);
                if !points.is_empty() {
                    series.push(Series {
                        label: format!("{scheme} (K = {k})"),
                        points,
                        style: style(scheme, ki),
                    });
                }
            }
        }
        tradeoff_panel(title, series)
    })
    .collect();
    Figure {
        title: Some("Fig. 5: BP–MS trade-off for K targets".into()),
        panels,
        columns: 2,
        panel_size_px: (760, 640),
    }
}

fn fig6(r: &Results) -> Figure {
    let k = r.k_max;
    let mut all = Vec::new();
    for (i, &scheme) in TRADEOFF_SCHEMES
        .iter()
        .chain(std::iter::once(&Scheme::Fusion))
        .enumerate()
    {
        let source = if scheme == Scheme::Fusion {
            &r.fusion
        } else {
            &r.points
        };
        let points = curve(source, scheme, k);
        if points.is_empty() {
            continue;
        }
        let mut st = style(scheme, 0);
        st.color = i;
        let label = if scheme == Scheme::Fusion {
            "fusion (fused bounds)".to_string()
        } else {
            scheme.to_string()
        };
        all.push(Series {
            label,
            points,
            style: st,
        });
    }
    // Drawn in reverse, so that the schemes nearest the front (FDB-WCRB, then the mismatch
    // designs) lie on top of the others rather than under them.
    all.reverse();
    let zoom: Vec<Series> = all
        .iter()
        .filter(|s| s.label.starts_with("fusion"))
        .cloned()
        .collect();
    Figure {
        title: Some(format!("Fig. 6: all schemes and Fusion, K = {k}")),
        panels: vec![
            tradeoff_panel("(a) all schemes", all),
            Panel {
                log_x: false,
                log_y: false,
                ..tradeoff_panel("(b) zoom on Fusion", zoom)
            },
        ],
        columns: 2,
        panel_size_px: (760, 640),
    }
}
