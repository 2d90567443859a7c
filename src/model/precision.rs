//! Choosing the inference precision: what the machine runs fast, and what
//! the model directory says each precision costs in accuracy.
//!
//! `stance check-precision --data FILE...` (and `stance train`, on its dev
//! and test sets together) scores the same labeled quotes in f32 and in each
//! reduced precision this machine runs natively, and records the figures as
//! `metrics.check_f32`, `metrics.check_int8`, `metrics.check_bf16`. A
//! reduced precision passes its check when neither head's macro-F1 is more
//! than [`MAX_MACRO_F1_LOSS`] below f32's on those quotes; `--precision
//! auto` only picks one that passes. (On a set of 360 quotes one quote is
//! 0.28 point, so the check wants a thousand quotes or so to measure a
//! loss, not a coin toss.)
//!
//! Which passing precision is fastest depends on the CPU (2 threads, batch
//! 32, news-length quotes, MiniLM):
//! - Intel without AMX (measured on an Emerald Rapids Xeon with AVX512-BF16,
//!   AMX hidden by the hypervisor): int8 about 1.6x f32, bf16 0.7x f32
//!   (oneDNN's AVX512-BF16 GEMM reaches half of MKL's f32 rate there).
//! - AMD Zen 4 (AVX512-BF16, from issue 16's figures, with the earlier
//!   fbgemm int8): int8 2.5x f32, bf16 2.3x, since MKL's f32 GEMM is slow
//!   on AMD.
//! - AMD Zen 3 (AVX2 only, earlier fbgemm int8): int8 1.25x f32; bf16 is
//!   emulated, 14x slower.
//! - AMX (a Sapphire Rapids VM, earlier fbgemm int8): bf16 2.1x f32, int8
//!   1.8x; oneDNN's bf16 runs on the tile units.
//!
//! So on the CPU the order is bf16 where AMX is, then int8, then bf16 where
//! an AMD CPU has AVX512-BF16, then f32; on a GPU, bf16 then f32.

use crate::model::config::{Metrics, SetMetrics};
use crate::model::device::Precision;
use std::sync::OnceLock;

/// The most a reduced precision may lose against f32, in macro-F1 (0.5
/// point), on either head, for `--precision auto` to pick it.
pub const MAX_MACRO_F1_LOSS: f64 = 0.005;

/// The CPU features that decide which precisions run fast.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuFeatures {
    /// `AuthenticAMD`.
    pub amd: bool,
    /// AVX512-BF16 (`avx512_bf16`).
    pub avx512_bf16: bool,
    /// AMX with bf16 tiles (`amx_bf16`).
    pub amx_bf16: bool,
}

impl CpuFeatures {
    /// Reads them from a `/proc/cpuinfo` text (the first processor's
    /// `vendor_id` and `flags`).
    pub fn from_cpuinfo(text: &str) -> CpuFeatures {
        let field = |name: &str| {
            text.lines()
                .find(|l| l.split(':').next().map(str::trim) == Some(name))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let flags = field("flags");
        let has = |flag: &str| flags.split_whitespace().any(|f| f == flag);
        CpuFeatures {
            amd: field("vendor_id") == "AuthenticAMD",
            avx512_bf16: has("avx512_bf16"),
            amx_bf16: has("amx_bf16"),
        }
    }

    /// This machine's (none known where `/proc/cpuinfo` cannot be read).
    pub fn this_machine() -> CpuFeatures {
        static FEATURES: OnceLock<CpuFeatures> = OnceLock::new();
        *FEATURES.get_or_init(|| {
            std::fs::read_to_string("/proc/cpuinfo")
                .map(|t| CpuFeatures::from_cpuinfo(&t))
                .unwrap_or_default()
        })
    }
}

/// A reduced precision's accuracy against f32 on the model's test file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Check {
    /// f32 macro-F1 minus this precision's, speaker head.
    pub speaker_loss: f64,
    /// The same for the stance head.
    pub stance_loss: f64,
}

impl Check {
    /// Whether both losses are within [`MAX_MACRO_F1_LOSS`].
    pub fn passes(&self) -> bool {
        self.speaker_loss <= MAX_MACRO_F1_LOSS + 1e-12
            && self.stance_loss <= MAX_MACRO_F1_LOSS + 1e-12
    }
}

/// The name under `metrics` of a precision's check figures (`check_int8`).
pub fn record_name(precision: Precision) -> String {
    format!("check_{}", precision.name())
}

/// The stored check of `precision`: `None` when the model records no f32
/// check figures, none in that precision, or the two came from different
/// quotes (their sha256 or count differ) or another precision.
pub fn check(metrics: &Metrics, precision: Precision) -> Option<Check> {
    let f32 = metrics.other.get(&record_name(Precision::F32))?;
    let reduced: &SetMetrics = metrics.other.get(&record_name(precision))?;
    if reduced.precision.as_deref() != Some(precision.name())
        || f32.precision.is_some()
        || f32.sha256.is_none()
        || reduced.sha256 != f32.sha256
        || reduced.n != f32.n
    {
        return None;
    }
    Some(Check {
        speaker_loss: f32.speaker.macro_f1 - reduced.speaker.macro_f1,
        stance_loss: f32.stance.macro_f1 - reduced.stance.macro_f1,
    })
}

/// The reduced precisions worth checking for a model here: int8 on the CPU
/// when the architecture holds it; bf16 on a GPU, or on a CPU with
/// AVX512-BF16 or AMX (elsewhere it is emulated, and too slow to use).
pub fn candidates(cpu: CpuFeatures, gpu: bool, int8_allowed: bool) -> Vec<Precision> {
    let mut out = Vec::new();
    if !gpu && int8_allowed {
        out.push(Precision::Int8);
    }
    if gpu || cpu.avx512_bf16 || cpu.amx_bf16 {
        out.push(Precision::Bf16);
    }
    out
}

/// What `--precision auto` runs a model at.
///
/// `int8_allowed` is false for architectures int8 cannot hold (MPNet);
/// `gpu` whether the model runs on a GPU. A precision is a candidate only
/// when its stored [`check`] passes.
pub fn choose(metrics: &Metrics, cpu: CpuFeatures, gpu: bool, int8_allowed: bool) -> Precision {
    let passes = |p: Precision| check(metrics, p).is_some_and(|c| c.passes());
    let order: &[Precision] = if gpu {
        &[Precision::Bf16]
    } else if cpu.amx_bf16 {
        &[Precision::Bf16, Precision::Int8]
    } else if cpu.amd && cpu.avx512_bf16 {
        &[Precision::Int8, Precision::Bf16]
    } else {
        &[Precision::Int8]
    };
    order
        .iter()
        .copied()
        .filter(|&p| p != Precision::Int8 || int8_allowed)
        .find(|&p| passes(p))
        .unwrap_or(Precision::F32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::HeadSummary;

    fn set(speaker: f64, stance: f64, precision: Option<&str>, sha: &str) -> SetMetrics {
        let head = |f| HeadSummary {
            accuracy: f,
            macro_f1: f,
            ece: 0.0,
        };
        SetMetrics {
            n: 360,
            speaker: head(speaker),
            stance: head(stance),
            file: Some("test.jsonl".into()),
            sha256: Some(sha.into()),
            precision: precision.map(String::from),
        }
    }

    fn metrics(int8: Option<SetMetrics>, bf16: Option<SetMetrics>) -> Metrics {
        let mut m = Metrics::default();
        m.other
            .insert("check_f32".into(), set(0.85, 0.90, None, "aa"));
        if let Some(s) = int8 {
            m.other.insert("check_int8".into(), s);
        }
        if let Some(s) = bf16 {
            m.other.insert("check_bf16".into(), s);
        }
        m
    }

    const XEON: CpuFeatures = CpuFeatures {
        amd: false,
        avx512_bf16: true,
        amx_bf16: false,
    };
    const ZEN4: CpuFeatures = CpuFeatures {
        amd: true,
        avx512_bf16: true,
        amx_bf16: false,
    };
    const SAPPHIRE: CpuFeatures = CpuFeatures {
        amd: false,
        avx512_bf16: true,
        amx_bf16: true,
    };

    #[test]
    fn a_precision_is_picked_only_when_its_check_passes() {
        let ok = || Some(set(0.847, 0.896, Some("int8"), "aa"));
        // No stored check: f32 everywhere.
        assert_eq!(
            choose(&metrics(None, None), XEON, false, true),
            Precision::F32
        );
        assert_eq!(
            choose(&metrics(ok(), None), XEON, false, true),
            Precision::Int8
        );
        // 0.6 point lost on stance: refused.
        let lossy = Some(set(0.85, 0.894, Some("int8"), "aa"));
        assert_eq!(
            choose(&metrics(lossy, None), XEON, false, true),
            Precision::F32
        );
        // Figures from another file, or recorded in another precision.
        let other_file = Some(set(0.85, 0.90, Some("int8"), "bb"));
        assert_eq!(
            choose(&metrics(other_file, None), XEON, false, true),
            Precision::F32
        );
        let mislabeled = Some(set(0.85, 0.90, Some("f32"), "aa"));
        assert_eq!(
            choose(&metrics(mislabeled, None), XEON, false, true),
            Precision::F32
        );
        // An architecture int8 cannot hold.
        assert_eq!(
            choose(&metrics(ok(), None), XEON, false, false),
            Precision::F32
        );
        // Gaining accuracy is no loss.
        let better = Some(set(0.86, 0.91, Some("int8"), "aa"));
        assert_eq!(
            choose(&metrics(better, None), XEON, false, true),
            Precision::Int8
        );
    }

    #[test]
    fn the_order_follows_the_hardware() {
        let both = metrics(
            Some(set(0.85, 0.90, Some("int8"), "aa")),
            Some(set(0.85, 0.90, Some("bf16"), "aa")),
        );
        let bf16_only = metrics(None, Some(set(0.85, 0.90, Some("bf16"), "aa")));
        // Intel without AMX: bf16 is slower than f32 there, never picked.
        assert_eq!(choose(&both, XEON, false, true), Precision::Int8);
        assert_eq!(choose(&bf16_only, XEON, false, true), Precision::F32);
        // AMX: bf16 first.
        assert_eq!(choose(&both, SAPPHIRE, false, true), Precision::Bf16);
        // Zen 4: int8, then bf16 (for a model without int8).
        assert_eq!(choose(&both, ZEN4, false, true), Precision::Int8);
        assert_eq!(choose(&both, ZEN4, false, false), Precision::Bf16);
        // A CPU without bf16 hardware never gets bf16.
        assert_eq!(
            choose(&bf16_only, CpuFeatures::default(), false, false),
            Precision::F32
        );
        // GPU: bf16 or f32, never int8.
        assert_eq!(choose(&both, XEON, true, true), Precision::Bf16);
        let int8_only = metrics(Some(set(0.85, 0.90, Some("int8"), "aa")), None);
        assert_eq!(choose(&int8_only, XEON, true, true), Precision::F32);
    }

    #[test]
    fn only_native_precisions_are_checked() {
        use Precision::*;
        assert_eq!(candidates(XEON, false, true), vec![Int8, Bf16]);
        assert_eq!(candidates(CpuFeatures::default(), false, true), vec![Int8]);
        assert_eq!(candidates(CpuFeatures::default(), false, false), vec![]);
        assert_eq!(candidates(ZEN4, false, false), vec![Bf16]);
        assert_eq!(candidates(CpuFeatures::default(), true, true), vec![Bf16]);
    }

    #[test]
    fn cpuinfo_is_read() {
        let text =
            "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu avx2 avx512f avx512_bf16\n\
                    processor\t: 1\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu\n";
        assert_eq!(CpuFeatures::from_cpuinfo(text), ZEN4);
        let intel = "vendor_id : GenuineIntel\nflags : avx512_bf16 amx_bf16 amx_tile\n";
        assert_eq!(CpuFeatures::from_cpuinfo(intel), SAPPHIRE);
        assert_eq!(CpuFeatures::from_cpuinfo(""), CpuFeatures::default());
    }
}
