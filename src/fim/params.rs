//! Parameter vectors and their order (MODEL.md §3). Every per-parameter output uses this order.
//!
//! | vector | layout | length |
//! |---|---|---|
//! | BP channel ξ | `[θ_0..θ_K, ψ_0..ψ_K, τ_0..τ_K, Re β_0..β_K, Im β_0..β_K]` | 5K+5 |
//! | BP position η | `[p_U, Δφ, p_1..p_K, Δt, Re β_0..β_K, Im β_0..β_K]` | 4K+6 |
//! | MS channel ξ̃ | `[θ_0..θ_K, τ̃_0..τ̃_K, Re β̃_0..β̃_K, Im β̃_0..β̃_K]` | 4K+4 |
//! | MS position η̃ | `[p_0 = p_U, p_1..p_K, Re β̃_0..β̃_K, Im β̃_0..β̃_K]` | 4K+4 |
//! | fused | `[p_U, p_1..p_K, Δφ, Δt, Re β, Im β, Re β̃, Im β̃]` | 6K+8 |
//!
//! Positions occupy two consecutive entries, x then y.

/// Index layout of the BP position vector η for K targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BpLayout {
    pub n_targets: usize,
}

impl BpLayout {
    pub fn dim_channel(self) -> usize {
        5 * self.n_targets + 5
    }
    pub fn dim(self) -> usize {
        4 * self.n_targets + 6
    }
    /// x-index of `p_U`.
    pub fn p_ue(self) -> usize {
        0
    }
    pub fn orientation(self) -> usize {
        2
    }
    /// x-index of target k, k = 1..K.
    pub fn p_target(self, k: usize) -> usize {
        debug_assert!(k >= 1 && k <= self.n_targets);
        3 + 2 * (k - 1)
    }
    pub fn clock_bias(self) -> usize {
        3 + 2 * self.n_targets
    }
    /// Re β_k, k = 0..K.
    pub fn re_gain(self, k: usize) -> usize {
        4 + 2 * self.n_targets + k
    }
    /// Im β_k, k = 0..K.
    pub fn im_gain(self, k: usize) -> usize {
        5 + 3 * self.n_targets + k
    }

    /// Human-readable names of η, in order.
    pub fn names(self) -> Vec<String> {
        let k_max = self.n_targets;
        let mut names = vec![
            "p_U.x".to_string(),
            "p_U.y".into(),
            "dphi (UE orientation)".into(),
        ];
        for k in 1..=k_max {
            names.push(format!("p_{k}.x"));
            names.push(format!("p_{k}.y"));
        }
        names.push("dt (clock bias)".into());
        names.extend((0..=k_max).map(|k| format!("Re beta_{k}")));
        names.extend((0..=k_max).map(|k| format!("Im beta_{k}")));
        names
    }
}

/// Index layout of the MS position vector η̃ for K targets (object 0 is the UE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsLayout {
    pub n_targets: usize,
}

impl MsLayout {
    pub fn dim_channel(self) -> usize {
        4 * self.n_targets + 4
    }
    pub fn dim(self) -> usize {
        4 * self.n_targets + 4
    }
    /// x-index of object k (k = 0 is the UE).
    pub fn p_object(self, k: usize) -> usize {
        2 * k
    }
    /// Re β̃_k.
    pub fn re_gain(self, k: usize) -> usize {
        2 * self.n_targets + 2 + k
    }
    /// Im β̃_k.
    pub fn im_gain(self, k: usize) -> usize {
        3 * self.n_targets + 3 + k
    }

    pub fn names(self) -> Vec<String> {
        let k_max = self.n_targets;
        let mut names = vec!["p_U.x".to_string(), "p_U.y".into()];
        for k in 1..=k_max {
            names.push(format!("p_{k}.x"));
            names.push(format!("p_{k}.y"));
        }
        names.extend((0..=k_max).map(|k| format!("Re beta~_{k}")));
        names.extend((0..=k_max).map(|k| format!("Im beta~_{k}")));
        names
    }
}

/// Index layout of the fused vector of Remark 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FusedLayout {
    pub n_targets: usize,
}

impl FusedLayout {
    pub fn dim(self) -> usize {
        6 * self.n_targets + 8
    }

    /// Where each BP position parameter lands in the fused vector.
    pub fn from_bp(self) -> Vec<usize> {
        let k_max = self.n_targets;
        let mut map = vec![0, 1, 2 * k_max + 2];
        map.extend(2..2 * k_max + 2);
        map.push(2 * k_max + 3);
        map.extend((0..2 * k_max + 2).map(|i| 2 * k_max + 4 + i));
        map
    }

    /// Where each MS position parameter lands in the fused vector.
    pub fn from_ms(self) -> Vec<usize> {
        let k_max = self.n_targets;
        let mut map: Vec<usize> = (0..2 * k_max + 2).collect();
        map.extend((0..2 * k_max + 2).map(|i| 4 * k_max + 6 + i));
        map
    }

    pub fn names(self) -> Vec<String> {
        let k_max = self.n_targets;
        let mut names = vec!["p_U.x".to_string(), "p_U.y".into()];
        for k in 1..=k_max {
            names.push(format!("p_{k}.x"));
            names.push(format!("p_{k}.y"));
        }
        names.push("dphi (UE orientation)".into());
        names.push("dt (clock bias)".into());
        names.extend((0..=k_max).map(|k| format!("Re beta_{k}")));
        names.extend((0..=k_max).map(|k| format!("Im beta_{k}")));
        names.extend((0..=k_max).map(|k| format!("Re beta~_{k}")));
        names.extend((0..=k_max).map(|k| format!("Im beta~_{k}")));
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_permutations_of_their_names() {
        for n_targets in 0..5 {
            let bp = BpLayout { n_targets };
            let ms = MsLayout { n_targets };
            let fused = FusedLayout { n_targets };
            assert_eq!(bp.names().len(), bp.dim());
            assert_eq!(ms.names().len(), ms.dim());
            assert_eq!(fused.names().len(), fused.dim());

            // Each BP and MS parameter lands on a fused parameter of the same name (the MS gains
            // carry a tilde in both), and positions are the only shared entries.
            let bp_map = fused.from_bp();
            let ms_map = fused.from_ms();
            let fused_names = fused.names();
            for (i, name) in bp.names().iter().enumerate() {
                assert_eq!(&fused_names[bp_map[i]], name);
            }
            for (i, name) in ms.names().iter().enumerate() {
                assert_eq!(&fused_names[ms_map[i]], name);
            }
            let mut hit = vec![0; fused.dim()];
            bp_map.iter().chain(&ms_map).for_each(|&i| hit[i] += 1);
            for (i, count) in hit.iter().enumerate() {
                let shared = i < 2 * n_targets + 2;
                assert_eq!(*count, if shared { 2 } else { 1 }, "fused entry {i}");
            }
        }
    }
}
