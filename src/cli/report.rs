//! Reports of computed bounds: the JSON document and the text table.
//!
//! The pieces ([`SceneEcho`], [`BoundsReport`]) are separate so that other subcommands (a
//! design, a sweep) can reuse them; every JSON key carries its unit.

use bpms::covariance::PowerUsage;
use bpms::geometry::array::Normalization;
use bpms::{Bounds, Scene};
use clap::ValueEnum;
use serde::Serialize;
use std::fmt::Write;

/// How a report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for reading.
    Table,
    /// Pretty-printed JSON for programs.
    Json,
}

/// What a report says about the scene it was computed for.
#[derive(Clone, Debug, Serialize)]
pub struct SceneEcho {
    /// Scenario name (file stem, or `paper`).
    pub scenario: String,
    pub n_targets: usize,
    pub n_bs: usize,
    pub normalization: Normalization,
    /// `[ζ_0 (LOS), ζ_1..ζ_K]`.
    pub phases_bp_rad: Vec<f64>,
    /// `[ζ̃_0 (UE), ζ̃_1..ζ̃_K]`.
    pub phases_ms_rad: Vec<f64>,
    /// Total transmit power `P_B`.
    pub tx_power_w: f64,
    /// Per-subcarrier budget `P_B/M`.
    pub power_budget_w: f64,
    /// Noise variance per sample `σ²`.
    pub noise_var_w: f64,
}

impl SceneEcho {
    pub fn new(scene: &Scene) -> Self {
        SceneEcho {
            scenario: scene.name.clone(),
            n_targets: scene.n_targets(),
            n_bs: scene.n_bs,
            normalization: scene.normalization,
            phases_bp_rad: scene.phases_bp_rad.clone(),
            phases_ms_rad: scene.phases_ms_rad.clone(),
            tx_power_w: scene.tx_power_w,
            power_budget_w: scene.power_budget_w(),
            noise_var_w: scene.noise_var_w,
        }
    }
}

/// Bounds of one covariance, CRBs in m² and PEBs in m.
#[derive(Clone, Debug, Serialize)]
pub struct BoundsReport {
    pub crb_bp_m2: f64,
    pub crb_ms_m2: f64,
    pub peb_bp_m: f64,
    pub peb_ms_m: f64,
    /// UE first, then targets 1..K.
    pub crb_ms_objects_m2: Vec<f64>,
    pub peb_ms_objects_m: Vec<f64>,
    pub fused: FusedReport,
}

/// Bounds of the fused FIM (Remark 1).
#[derive(Clone, Debug, Serialize)]
pub struct FusedReport {
    pub crb_bp_m2: f64,
    pub crb_ms_m2: f64,
    pub peb_bp_m: f64,
    pub peb_ms_m: f64,
}

impl BoundsReport {
    pub fn new(bounds: &Bounds) -> Self {
        let fused = &bounds.fused;
        BoundsReport {
            crb_bp_m2: bounds.crb_bp_m2,
            crb_ms_m2: bounds.crb_ms_m2,
            peb_bp_m: bounds.peb_bp_m(),
            peb_ms_m: bounds.peb_ms_m(),
            crb_ms_objects_m2: bounds.crb_ms_objects_m2.clone(),
            peb_ms_objects_m: bounds.peb_ms_objects_m(),
            fused: FusedReport {
                crb_bp_m2: fused.crb_bp_m2,
                crb_ms_m2: fused.crb_ms_m2,
                peb_bp_m: fused.crb_bp_m2.sqrt(),
                peb_ms_m: fused.crb_ms_m2.sqrt(),
            },
        }
    }

    /// The bounds as an aligned table with units in the header.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let rows = self.rows();
        let width = rows
            .iter()
            .map(|(label, _, _)| label.chars().count())
            .max()
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "{:<width$}  {:>12}  {:>12}",
            "bound", "CRB [m²]", "PEB [m]"
        );
        for (label, crb, peb) in rows {
            let _ = writeln!(out, "{label:<width$}  {crb:>12.4e}  {peb:>12.4e}");
        }
        out
    }

    /// Table rows `(label, CRB m², PEB m)`: BP, MS, each MS object, fused BP, fused MS.
    fn rows(&self) -> Vec<(String, f64, f64)> {
        let mut rows = vec![
            ("BP (UE)".to_owned(), self.crb_bp_m2, self.peb_bp_m),
            ("MS (all objects)".to_owned(), self.crb_ms_m2, self.peb_ms_m),
        ];
        let objects = self.crb_ms_objects_m2.iter().zip(&self.peb_ms_objects_m);
        for (k, (&crb, &peb)) in objects.enumerate() {
            let label = if k == 0 {
                "MS UE".to_owned()
            } else {
                format!("MS target {k}")
            };
            rows.push((label, crb, peb));
        }
        rows.push((
            "fused BP (UE)".to_owned(),
            self.fused.crb_bp_m2,
            self.fused.peb_bp_m,
        ));
        rows.push((
            "fused MS (all objects)".to_owned(),
            self.fused.crb_ms_m2,
            self.fused.peb_ms_m,
        ));
        rows
    }
}

/// The report of `bpms crb`.
#[derive(Clone, Debug, Serialize)]
pub struct CrbReport {
    pub bpms_version: &'static str,
    #[serde(flatten)]
    pub scene: SceneEcho,
    /// `isotropic`, or the covariance file as given.
    pub beam: String,
    /// `tr V`, W per subcarrier.
    pub power_used_w: f64,
    #[serde(flatten)]
    pub bounds: BoundsReport,
}

impl CrbReport {
    pub fn new(scene: &Scene, bounds: &Bounds, beam: String, power: PowerUsage) -> Self {
        CrbReport {
            bpms_version: env!("CARGO_PKG_VERSION"),
            scene: SceneEcho::new(scene),
            beam,
            power_used_w: power.used_w,
            bounds: BoundsReport::new(bounds),
        }
    }

    /// The report as text in `format`, ending with a newline.
    pub fn render(&self, format: OutputFormat) -> anyhow::Result<String> {
        match format {
            OutputFormat::Json => Ok(serde_json::to_string_pretty(self)? + "\n"),
            OutputFormat::Table => Ok(self.table()),
        }
    }

    fn table(&self) -> String {
        let s = &self.scene;
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "scenario {}: K = {} target{}, N_B = {}, {}, beam {}",
            s.scenario,
            s.n_targets,
            if s.n_targets == 1 { "" } else { "s" },
            s.n_bs,
            s.normalization.as_str(),
            self.beam
        );
        let _ = writeln!(
            out,
            "power: tr V = {:.4e} W of P_B/M = {:.4e} W ({:.1}%)\n",
            self.power_used_w,
            s.power_budget_w,
            100.0 * self.power_used_w / s.power_budget_w
        );
        out.push_str(&self.bounds.table());
        out
    }
}
