//! Figures written by `bpms::plot`: both files appear whole, with the expected size and text;
//! bad data and bad paths fail without leaving files behind.
//!
//! `cargo test --test plot_figures -- --ignored` also renders sample pictures into
//! `bpms-plot-samples/` under the temporary directory for looking at.

use std::fs;
use std::path::Path;

use bpms::plot::{
    write_figure, write_heatmaps, Figure, HeatMap, HeatMapFigure, MapMarker, Marker, Panel,
    PlotError, Series, Style,
};

/// The eight bytes every PNG file starts with (PNG specification, section 5.2).
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

const PANEL_PX: (u32, u32) = (640, 480);

fn style(color: usize, dash: bool, marker: Option<Marker>) -> Style {
    Style {
        color,
        dash,
        marker,
    }
}

/// `f` sampled at `n` points evenly spaced over `[a, b]`.
fn sampled(a: f64, b: f64, n: usize, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|k| {
            let x = a + (b - a) * k as f64 / (n - 1) as f64;
            (x, f(x))
        })
        .collect()
}

/// `f` sampled at `n` points evenly spaced in log over `[a, b]`.
fn sampled_log(a: f64, b: f64, n: usize, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    sampled(a.log10(), b.log10(), n, |t| f(10_f64.powf(t)))
        .into_iter()
        .map(|(t, y)| (10_f64.powf(t), y))
        .collect()
}

/// Bound-like curves: a bound falling with transmit power (log y), and a log-log scaling law.
fn two_panel_figure() -> Figure {
    let power_dbm = |p: f64| 10_f64.powf(-p / 10.0);
    let crb_panel = Panel {
        title: "CRB vs transmit power".into(),
        x_label: "transmit power [dBm]".into(),
        y_label: "CRB [m²]".into(),
        series: vec![
            Series {
                label: "BP, optimal".into(),
                points: sampled(0.0, 40.0, 21, |p| 3.0 * power_dbm(p)),
                style: style(0, false, Some(Marker::Circle)),
            },
            Series {
                label: "MS, optimal".into(),
                points: sampled(0.0, 40.0, 21, |p| 0.8 * power_dbm(p)),
                style: style(1, false, Some(Marker::Square)),
            },
            Series {
                label: "BP, isotropic".into(),
                points: sampled(0.0, 40.0, 21, |p| 9.0 * power_dbm(p)),
                style: style(0, true, Some(Marker::Triangle)),
            },
            Series {
                label: "MS, isotropic".into(),
                points: sampled(0.0, 40.0, 21, |p| 2.5 * power_dbm(p)),
                style: style(1, true, Some(Marker::Cross)),
            },
        ],
        log_y: true,
        ..Panel::default()
    };
    let peb_panel = Panel {
        title: "PEB vs bandwidth".into(),
        x_label: "bandwidth [Hz]".into(),
        y_label: "PEB [m]".into(),
        series: vec![
            Series {
                label: "fused".into(),
                points: sampled_log(1e6, 4e8, 30, |b| 2e4 / b),
                style: style(2, false, Some(Marker::Circle)),
            },
            Series {
                label: "slope −1 reference".into(),
                points: sampled_log(1e6, 4e8, 2, |b| 6e4 / b),
                style: style(6, true, None),
            },
        ],
        log_x: true,
        log_y: true,
        ..Panel::default()
    };
    Figure {
        title: Some("bpms plot test".into()),
        panels: vec![crb_panel, peb_panel],
        columns: 2,
        panel_size_px: PANEL_PX,
    }
}

/// A Gaussian beam on a 41×61 grid with a BS, a UE and two targets.
fn heatmap_figure() -> HeatMapFigure {
    let (n_x, n_y) = (61, 41);
    let values: Vec<Vec<f64>> = (0..n_y)
        .map(|i| {
            let y = 40.0 * i as f64 / (n_y - 1) as f64;
            (0..n_x)
                .map(|j| {
                    let x = -30.0 + 60.0 * j as f64 / (n_x - 1) as f64;
                    let beam = (-(x - 0.6 * y).powi(2) / 40.0).exp();
                    10.0 * (beam + 1e-3).log10()
                })
                .collect()
        })
        .collect();
    let markers = vec![
        MapMarker {
            label: "BS".into(),
            position: (0.0, 0.0),
            marker: Marker::Square,
        },
        MapMarker {
            label: "UE".into(),
            position: (18.0, 30.0),
            marker: Marker::Circle,
        },
        MapMarker {
            label: "target 1".into(),
            position: (-12.0, 20.0),
            marker: Marker::Triangle,
        },
        MapMarker {
            label: "target 2".into(),
            position: (-10.0, 22.0),
            marker: Marker::Cross,
        },
    ];
    let map = HeatMap {
        title: "beam power density".into(),
        x_label: "x [m]".into(),
        y_label: "y [m]".into(),
        x_range: (-30.0, 30.0),
        y_range: (0.0, 40.0),
        values,
        value_label: "power density [dB]".into(),
        value_range: Some((-30.0, 0.0)),
        markers,
    };
    let mut second = map.clone();
    second.title = "auto value range".into();
    second.value_range = None;
    HeatMapFigure {
        title: Some("bpms heat map test".into()),
        maps: vec![map, second],
        columns: 2,
        map_size_px: PANEL_PX,
    }
}

/// Width and height from the IHDR chunk, after checking the signature and decoding every pixel.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).expect("read PNG");
    assert_eq!(bytes[..8], PNG_SIGNATURE, "{} is not a PNG", path.display());
    let decoder = png::Decoder::new(bytes.as_slice());
    let mut reader = decoder.read_info().expect("PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("PNG pixels");
    (frame.width, frame.height)
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn figure_writes_png_and_svg_with_size_and_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fig = two_panel_figure();
    write_figure(&fig, &dir.path().join("crb")).expect("write figure");

    assert_eq!(file_names(dir.path()), ["crb.png", "crb.svg"]);
    let size = png_size(&dir.path().join("crb.png"));
    assert_eq!(size, fig.canvas_size_px());
    assert_eq!(size.0, 2 * PANEL_PX.0, "two panels side by side");
    assert!(
        size.1 > PANEL_PX.1,
        "one row of panels under a title strip: {size:?}"
    );

    let svg = fs::read_to_string(dir.path().join("crb.svg")).expect("read SVG");
    assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
    for text in [
        "bpms plot test",
        "CRB vs transmit power",
        "transmit power [dBm]",
        "CRB [m²]",
        "bandwidth [Hz]",
        "BP, optimal",
        "MS, isotropic",
        "slope −1 reference",
    ] {
        assert!(svg.contains(text), "SVG lacks {text:?}");
    }
}

#[test]
fn heatmaps_write_png_and_svg_with_size_and_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fig = heatmap_figure();
    write_heatmaps(&fig, &dir.path().join("beam")).expect("write heat maps");

    assert_eq!(file_names(dir.path()), ["beam.png", "beam.svg"]);
    assert_eq!(png_size(&dir.path().join("beam.png")), fig.canvas_size_px());
    let svg = fs::read_to_string(dir.path().join("beam.svg")).expect("read SVG");
    for text in [
        "beam power density",
        "power density [dB]",
        "x [m]",
        "BS",
        "UE",
        "target 2",
    ] {
        assert!(svg.contains(text), "SVG lacks {text:?}");
    }
}

#[test]
fn rewriting_replaces_files_and_leaves_no_temporaries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stem = dir.path().join("fig.v1");
    let mut fig = two_panel_figure();
    write_figure(&fig, &stem).expect("first write");
    fig.panels.truncate(1);
    fig.title = None;
    write_figure(&fig, &stem).expect("second write");

    assert_eq!(file_names(dir.path()), ["fig.v1.png", "fig.v1.svg"]);
    assert_eq!(png_size(&dir.path().join("fig.v1.png")), PANEL_PX);
}

/// Asserts that `result` is `InvalidData` whose message contains every one of `needles`.
fn assert_invalid(result: Result<(), PlotError>, needles: &[&str]) {
    match result {
        Err(err @ PlotError::InvalidData { .. }) => {
            let message = err.to_string();
            for needle in needles {
                assert!(message.contains(needle), "{message:?} lacks {needle:?}");
            }
        }
        other => panic!("expected InvalidData, got {other:?}"),
    }
}

#[test]
fn non_positive_value_on_log_axis_is_rejected_without_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut fig = two_panel_figure();
    fig.panels[0].series[2].points[5].1 = 0.0;
    assert_invalid(
        write_figure(&fig, &dir.path().join("bad")),
        &["BP, isotropic", "point 5", "logarithmic"],
    );
    assert!(file_names(dir.path()).is_empty());

    let mut fig = two_panel_figure();
    fig.panels[1].x_range = Some((0.0, 1e9));
    assert_invalid(
        write_figure(&fig, &dir.path().join("bad")),
        &["PEB vs bandwidth", "x_range"],
    );
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn nan_is_rejected_without_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut fig = two_panel_figure();
    fig.panels[1].series[0].points[3].0 = f64::NAN;
    assert_invalid(
        write_figure(&fig, &dir.path().join("bad")),
        &["fused", "not finite"],
    );

    let mut maps = heatmap_figure();
    maps.maps[1].values[4][7] = f64::NAN;
    assert_invalid(
        write_heatmaps(&maps, &dir.path().join("bad")),
        &["auto value range", "values[4][7]"],
    );

    let mut maps = heatmap_figure();
    maps.maps[0].values[2].pop();
    assert_invalid(
        write_heatmaps(&maps, &dir.path().join("bad")),
        &["values[2] has 60 columns, expected 61"],
    );
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn empty_layout_is_rejected() {
    let mut fig = two_panel_figure();
    fig.columns = 0;
    assert_invalid(write_figure(&fig, Path::new("unused")), &["columns"]);
    fig.columns = 1;
    fig.panels.clear();
    assert_invalid(
        write_figure(&fig, Path::new("unused")),
        &["nothing to draw"],
    );
}

#[test]
fn missing_directory_is_an_io_error_naming_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-dir");
    let result = write_figure(&two_panel_figure(), &missing.join("fig"));
    match result {
        Err(err @ PlotError::Io { .. }) => {
            let message = err.to_string();
            assert!(
                message.contains(&*missing.to_string_lossy()),
                "{message:?} does not name {}",
                missing.display()
            );
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn data_outside_given_ranges_is_clipped_and_empty_series_are_fine() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut fig = two_panel_figure();
    fig.panels[0].x_range = Some((10.0, 30.0));
    fig.panels[0].y_range = Some((1e-4, 1e-1));
    fig.panels[1].series.push(Series {
        label: "no data".into(),
        points: Vec::new(),
        style: Style::default(),
    });
    write_figure(&fig, &dir.path().join("clipped")).expect("write clipped figure");
    assert_eq!(file_names(dir.path()), ["clipped.png", "clipped.svg"]);
}

/// Twelve curves in one panel, to see that the legend stays readable and off the curves.
fn crowded_figure() -> Figure {
    let markers = [
        Some(Marker::Circle),
        Some(Marker::Square),
        Some(Marker::Triangle),
        Some(Marker::Cross),
    ];
    let series = (0..12)
        .map(|k| Series {
            label: format!("ρ = {:.2} (design {k})", k as f64 / 11.0),
            points: sampled(0.0, 1.0, 60, |t| 0.012 + 0.004 * k as f64 * t * t),
            style: style(k, k >= 6, markers[k % 4]),
        })
        .collect();
    Figure {
        title: None,
        panels: vec![Panel {
            title: "trade-off sweep".into(),
            x_label: "weight ρ".into(),
            y_label: "PEB [m]".into(),
            series,
            ..Panel::default()
        }],
        columns: 1,
        panel_size_px: PANEL_PX,
    }
}

#[test]
fn crowded_legend_renders() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fig = crowded_figure();
    write_figure(&fig, &dir.path().join("crowded")).expect("write crowded figure");
    let svg = fs::read_to_string(dir.path().join("crowded.svg")).expect("read SVG");
    assert!(svg.contains("(design 11)"));
}

#[test]
#[ignore = "writes sample pictures to the temporary directory, for inspection"]
fn render_samples() {
    let dir = &std::env::temp_dir().join("bpms-plot-samples");
    fs::create_dir_all(dir).expect("create sample dir");
    write_figure(&two_panel_figure(), &dir.join("two_panels")).expect("two panels");
    write_figure(&crowded_figure(), &dir.join("crowded")).expect("crowded");
    write_heatmaps(&heatmap_figure(), &dir.join("heatmaps")).expect("heat maps");

    let mut fine = heatmap_figure();
    fine.maps.truncate(1);
    fine.columns = 1;
    fine.title = None;
    let (n_x, n_y) = (201, 161);
    fine.maps[0].values = (0..n_y)
        .map(|i| {
            (0..n_x)
                .map(|j| -30.0 * ((i * j) as f64 / (n_x * n_y) as f64).sqrt())
                .collect()
        })
        .collect();
    write_heatmaps(&fine, &dir.join("fine_heatmap")).expect("fine heat map");

    let mut small = two_panel_figure();
    small.panel_size_px = (400, 300);
    small.columns = 1;
    write_figure(&small, &dir.join("small_panels")).expect("small panels");

    let mut large = two_panel_figure();
    large.panel_size_px = (1280, 960);
    large.panels.push(crowded_figure().panels.remove(0));
    write_figure(&large, &dir.join("large_panels")).expect("large panels");

    let mut tiny_values = two_panel_figure();
    tiny_values.panels[0].log_y = false;
    for series in &mut tiny_values.panels[0].series {
        for p in &mut series.points {
            p.1 *= 1e-3;
        }
    }
    tiny_values.panels[1].series[0].points = sampled_log(1e-9, 1e-2, 40, |t| t.sqrt());
    tiny_values.panels[1].series.truncate(1);
    write_figure(&tiny_values, &dir.join("tiny_values")).expect("tiny values");
}
