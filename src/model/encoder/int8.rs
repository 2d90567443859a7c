//! The int8 path's own loops around libtorch's `_int_mm`: quantizing
//! activations one token (row) at a time, and turning the int32 products
//! back into floats with the bias. Each is one or two passes over the data
//! on every thread libtorch uses, where the same arithmetic as libtorch ops
//! took a dozen passes and as many temporary tensors.

use crate::error::{Result, StanceError};
use tch::{Kind, Tensor};

/// Rows of at least this many values in all are split across threads.
const PARALLEL_MIN: usize = 1 << 15;

/// How many threads to split `n` values over.
fn threads_for(n: usize, rows: usize) -> usize {
    if n < PARALLEL_MIN {
        return 1;
    }
    let t = usize::try_from(tch::get_num_threads()).unwrap_or(1).max(1);
    t.min(rows).max(1)
}

/// Runs `f(first_row, rows_chunk...)` over `rows` rows split in `threads`
/// contiguous chunks.
fn split_rows<'a, A: Send, B: Send>(
    rows: usize,
    threads: usize,
    a: &'a mut [A],
    a_width: usize,
    b: &'a mut [B],
    b_width: usize,
    f: impl Fn(usize, &mut [A], &mut [B]) + Sync,
) {
    if threads <= 1 {
        f(0, a, b);
        return;
    }
    let per = rows.div_ceil(threads);
    std::thread::scope(|scope| {
        let (mut a, mut b) = (a, b);
        let mut first = 0;
        while first < rows {
            let n = per.min(rows - first);
            let (a_head, a_tail) = std::mem::take(&mut a).split_at_mut(n * a_width);
            let (b_head, b_tail) = std::mem::take(&mut b).split_at_mut(n * b_width);
            a = a_tail;
            b = b_tail;
            let f = &f;
            let start = first;
            scope.spawn(move || f(start, a_head, b_head));
            first += n;
        }
    });
}

fn check(t: &Tensor, kind: Kind, what: &str) -> Result<()> {
    if t.kind() != kind || t.device() != tch::Device::Cpu || !t.is_contiguous() {
        return Err(StanceError::Int8Ranges(format!(
            "{what}: expected a contiguous CPU {kind:?} tensor, got {:?} on {:?}",
            t.kind(),
            t.device()
        )));
    }
    Ok(())
}

/// `2^23`: adding and taking it away rounds a float in `[0, 2^22)` to the
/// nearest integer (ties to even, as libtorch's `round`) in any SIMD width,
/// where `f32::round` is a library call per value on baseline x86-64.
const ROUNDER: f32 = 8_388_608.0;

/// Quantizes one row into `q` (after multiplying it by `smooth` into
/// `scaled`), returning its step and minimum; the arithmetic of
/// [`quantize_rows`], in loops the compiler vectorizes (eight lanes of
/// running minima and maxima, no library calls).
#[inline(always)]
fn quantize_row_body(
    row: &[f32],
    smooth: Option<&[f32]>,
    scaled: &mut [f32],
    q: &mut [i8],
) -> (f32, f32) {
    let row: &[f32] = match smooth {
        Some(s) => {
            for ((d, &v), &m) in scaled.iter_mut().zip(row).zip(s) {
                *d = v * m;
            }
            scaled
        }
        None => row,
    };
    if row.is_empty() {
        return (1e-12, 0.0);
    }
    let mut lo = [f32::INFINITY; 8];
    let mut hi = [f32::NEG_INFINITY; 8];
    let mut chunks = row.chunks_exact(8);
    for c in &mut chunks {
        for i in 0..8 {
            lo[i] = if c[i] < lo[i] { c[i] } else { lo[i] };
            hi[i] = if c[i] > hi[i] { c[i] } else { hi[i] };
        }
    }
    for &v in chunks.remainder() {
        lo[0] = if v < lo[0] { v } else { lo[0] };
        hi[0] = if v > hi[0] { v } else { hi[0] };
    }
    let lo = lo.iter().copied().fold(f32::INFINITY, f32::min);
    let hi = hi.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let step = ((hi - lo) / 255.0).max(1e-12);
    let inv = 1.0 / step;
    for (d, &v) in q.iter_mut().zip(row) {
        // In [0, 255] up to float error; clamped, then rounded.
        let t = ((v - lo) * inv).clamp(0.0, 255.0);
        *d = ((t + ROUNDER) - ROUNDER - 128.0) as i8;
    }
    (step, lo)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
/// [`quantize_row_body`] compiled for AVX2.
unsafe fn quantize_row_avx2(
    row: &[f32],
    smooth: Option<&[f32]>,
    scaled: &mut [f32],
    q: &mut [i8],
) -> (f32, f32) {
    quantize_row_body(row, smooth, scaled, q)
}

/// [`quantize_row_body`] in the widest SIMD this CPU runs.
fn quantize_row(
    row: &[f32],
    smooth: Option<&[f32]>,
    scaled: &mut [f32],
    q: &mut [i8],
) -> (f32, f32) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has AVX2 and FMA (checked just above).
        return unsafe { quantize_row_avx2(row, smooth, scaled, q) };
    }
    quantize_row_body(row, smooth, scaled, q)
}

/// One row of [`dequantize`].
#[inline(always)]
fn dequantize_row_body(
    acc: &[i32],
    step: f32,
    offset: f32,
    scale: &[f32],
    col_sums: &[f32],
    bias: &[f32],
    y: &mut [f32],
) {
    for ((((d, &a), &s), &c), &b) in y.iter_mut().zip(acc).zip(scale).zip(col_sums).zip(bias) {
        *d = b + s * step * a as f32 + offset * c;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
/// [`dequantize_row_body`] compiled for AVX2.
unsafe fn dequantize_row_avx2(
    acc: &[i32],
    step: f32,
    offset: f32,
    scale: &[f32],
    col_sums: &[f32],
    bias: &[f32],
    y: &mut [f32],
) {
    dequantize_row_body(acc, step, offset, scale, col_sums, bias, y)
}

/// [`dequantize_row_body`] in the widest SIMD this CPU runs.
fn dequantize_row(
    acc: &[i32],
    step: f32,
    offset: f32,
    scale: &[f32],
    col_sums: &[f32],
    bias: &[f32],
    y: &mut [f32],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has AVX2 and FMA (checked just above).
        return unsafe { dequantize_row_avx2(acc, step, offset, scale, col_sums, bias, y) };
    }
    dequantize_row_body(acc, step, offset, scale, col_sums, bias, y)
}

/// Activations quantized to int8, one row at a time.
pub struct Quantized {
    /// `[rows, k]` int8: `x ~ step * (q + 128) + min`.
    pub q: Tensor,
    /// Each row's step.
    pub step: Vec<f32>,
    /// Each row's minimum.
    pub min: Vec<f32>,
}

/// Quantizes each row of `x` (`[rows, k]` f32, contiguous) over 256 steps
/// from its minimum to its maximum, after multiplying column `j` by
/// `smooth[j]` when given.
pub fn quantize_rows(x: &Tensor, smooth: Option<&[f32]>) -> Result<Quantized> {
    check(x, Kind::Float, "int8 input")?;
    let (rows, k) = x.size2()?;
    let (rows, k) = (
        usize::try_from(rows).unwrap_or(0),
        usize::try_from(k).unwrap_or(0),
    );
    if let Some(s) = smooth {
        if s.len() != k {
            return Err(StanceError::Int8Ranges(format!(
                "{} smoothing factors for {k} input channels",
                s.len()
            )));
        }
    }
    // SAFETY: `x` is a contiguous CPU f32 tensor of rows * k values
    // (checked above) and outlives this borrow.
    let input: &[f32] = unsafe { std::slice::from_raw_parts(x.data_ptr() as *const f32, rows * k) };
    let q_tensor = Tensor::empty([rows as i64, k as i64], (Kind::Int8, tch::Device::Cpu));
    // SAFETY: a fresh contiguous CPU int8 tensor of rows * k values, written
    // only through this slice while it lives.
    let q: &mut [i8] =
        unsafe { std::slice::from_raw_parts_mut(q_tensor.data_ptr() as *mut i8, rows * k) };
    let mut stats = vec![(0f32, 0f32); rows];
    let threads = threads_for(rows * k, rows);
    split_rows(rows, threads, q, k, &mut stats, 1, |first, q, stats| {
        let mut scaled = vec![0f32; k];
        for (r, (qrow, stat)) in q.chunks_mut(k.max(1)).zip(stats.iter_mut()).enumerate() {
            let row = &input[(first + r) * k..(first + r + 1) * k];
            *stat = quantize_row(row, smooth, &mut scaled, qrow);
        }
    });
    let (step, min): (Vec<f32>, Vec<f32>) = stats.into_iter().unzip();
    Ok(Quantized {
        q: q_tensor,
        step,
        min,
    })
}

/// The float output `[rows, out]` of an int8 linear layer from `_int_mm`'s
/// int32 `acc` (`[rows, out]`) for the quantized input `xq`:
/// `bias[j] + scale[j] * step[r] * acc[r, j] + (128 step[r] + min[r]) *
/// col_sums[j]`, where `col_sums[j]` is output channel `j`'s int8 weights
/// summed, times `scale[j]`.
pub fn dequantize(
    acc: &Tensor,
    xq: &Quantized,
    scale: &[f32],
    col_sums: &[f32],
    bias: &[f32],
) -> Result<Tensor> {
    check(acc, Kind::Int, "int8 product")?;
    let (rows, out) = acc.size2()?;
    let (rows, out) = (
        usize::try_from(rows).unwrap_or(0),
        usize::try_from(out).unwrap_or(0),
    );
    if scale.len() != out || col_sums.len() != out || bias.len() != out || xq.step.len() != rows {
        return Err(StanceError::Int8Ranges(
            "int8 product: shapes do not match the layer".into(),
        ));
    }
    // SAFETY: `acc` is a contiguous CPU int32 tensor of rows * out values
    // (checked above) and outlives this borrow.
    let acc: &[i32] =
        unsafe { std::slice::from_raw_parts(acc.data_ptr() as *const i32, rows * out) };
    let y_tensor = Tensor::empty([rows as i64, out as i64], (Kind::Float, tch::Device::Cpu));
    // SAFETY: a fresh contiguous CPU f32 tensor of rows * out values,
    // written only through this slice while it lives.
    let y: &mut [f32] =
        unsafe { std::slice::from_raw_parts_mut(y_tensor.data_ptr() as *mut f32, rows * out) };
    let (steps, mins) = (&xq.step[..], &xq.min[..]);
    let mut none = vec![(); rows];
    let threads = threads_for(rows * out, rows);
    split_rows(rows, threads, y, out, &mut none, 1, |first, y, _| {
        for (r, yrow) in y.chunks_mut(out.max(1)).enumerate() {
            let i = first + r;
            let (step, offset) = (steps[i], 128.0 * steps[i] + mins[i]);
            let arow = &acc[i * out..(i + 1) * out];
            dequantize_row(arow, step, offset, scale, col_sums, bias, yrow);
        }
    });
    Ok(y_tensor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loops give what the same arithmetic in libtorch ops gives.
    #[test]
    fn the_loops_match_libtorch_arithmetic() {
        tch::manual_seed(3);
        let opts = (Kind::Float, tch::Device::Cpu);
        for rows in [3i64, 700] {
            let x = Tensor::randn([rows, 96], opts) * 2.0 + 0.5;
            let smooth: Vec<f32> = (0..96).map(|j| 0.5 + (j % 7) as f32 * 0.25).collect();
            let xq = quantize_rows(&x, Some(&smooth)).unwrap();
            // Reference: libtorch ops.
            let xs = &x * Tensor::from_slice(&smooth).unsqueeze(0);
            let min = xs.amin([1], true);
            let step = ((xs.amax([1], true) - &min) / 255.0).clamp_min(1e-12);
            let q = ((&xs - &min) / &step).round() - 128.0;
            let got = xq.q.to_kind(Kind::Float);
            let off = (&got - &q).abs().max().double_value(&[]);
            // Ties may round either way: at most one step, and rarely.
            assert!(off <= 1.0, "codes differ by {off}");
            let differ = (&got - &q).abs().gt(0.5).sum(Kind::Int64).int64_value(&[]);
            assert!(differ * 1000 <= rows * 96, "{differ} codes differ");
            let restored = (got + 128.0) * Tensor::from_slice(&xq.step).unsqueeze(1)
                + Tensor::from_slice(&xq.min).unsqueeze(1);
            let err = (&restored - &xs).abs().max().double_value(&[]);
            let worst_step = step.max().double_value(&[]);
            assert!(
                err <= worst_step * 0.51,
                "restored within half a step: {err} vs {worst_step}"
            );

            let w = Tensor::randint_low(-127, 128, [40, 96], (Kind::Int8, tch::Device::Cpu));
            let wt = w.transpose(0, 1).contiguous();
            let acc = xq.q.internal_int_mm(&wt);
            let scale: Vec<f32> = (0..40).map(|j| 0.01 + j as f32 * 0.001).collect();
            let scale_t = Tensor::from_slice(&scale);
            let col_sums_t = w
                .to_kind(Kind::Float)
                .sum_dim_intlist(1, false, Kind::Float)
                * &scale_t;
            let col_sums = Vec::<f32>::try_from(&col_sums_t).unwrap();
            let bias: Vec<f32> = (0..40).map(|j| j as f32 * 0.1 - 2.0).collect();
            let y = dequantize(&acc, &xq, &scale, &col_sums, &bias).unwrap();
            let step_t = Tensor::from_slice(&xq.step).unsqueeze(1);
            let min_t = Tensor::from_slice(&xq.min).unsqueeze(1);
            let want = Tensor::from_slice(&bias).unsqueeze(0)
                + acc.to_kind(Kind::Float) * &step_t * scale_t.unsqueeze(0)
                + (&step_t * 128.0 + &min_t) * col_sums_t.unsqueeze(0);
            let rel = ((&y - &want).norm().double_value(&[])) / want.norm().double_value(&[]);
            assert!(rel < 1e-5, "dequantized output off by {rel}");
            // And the whole layer approximates the float product.
            let float = xs.matmul(&(w.to_kind(Kind::Float) * scale_t.unsqueeze(1)).transpose(0, 1))
                + Tensor::from_slice(&bias).unsqueeze(0);
            let rel = ((&y - &float).norm().double_value(&[])) / float.norm().double_value(&[]);
            assert!(rel < 0.02, "int8 layer off the float one by {rel}");
        }
    }
}
