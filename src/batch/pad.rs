//! Padding a batch of tokenized quotes into id and attention-mask tensors.

use crate::text::tokenize::Tokenized;
use tch::{Device, Tensor};

/// Builds the padded id and mask tensors `[batch, longest]` for a batch:
/// ids padded with `pad_id`, the mask 1 on real tokens and 0 on padding.
pub fn batch_tensors(items: &[&Tokenized], pad_id: i64, device: Device) -> (Tensor, Tensor) {
    let longest = items.iter().map(|t| t.ids.len()).max().unwrap_or(0);
    let mut ids = vec![pad_id; items.len() * longest];
    let mut mask = vec![0i64; items.len() * longest];
    for (row, item) in items.iter().enumerate() {
        let start = row * longest;
        ids[start..start + item.ids.len()].copy_from_slice(&item.ids);
        mask[start..start + item.ids.len()].fill(1);
    }
    let shape = [items.len() as i64, longest as i64];
    (
        Tensor::from_slice(&ids).view(shape).to_device(device),
        Tensor::from_slice(&mask).view(shape).to_device(device),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_to_the_longest_with_a_mask() {
        let a = Tokenized {
            ids: vec![101, 7, 102],
            truncated: false,
            speaker_shift: 0.0,
            denial_shift: 0.0,
            allegation_shift: 0.0,
        };
        let b = Tokenized {
            ids: vec![101, 102],
            truncated: false,
            speaker_shift: 0.0,
            denial_shift: 0.0,
            allegation_shift: 0.0,
        };
        let (ids, mask) = batch_tensors(&[&a, &b], 0, Device::Cpu);
        assert_eq!(ids.size(), [2, 3]);
        assert_eq!(
            Vec::<i64>::try_from(ids.flatten(0, -1)).unwrap(),
            [101, 7, 102, 101, 102, 0]
        );
        assert_eq!(
            Vec::<i64>::try_from(mask.flatten(0, -1)).unwrap(),
            [1, 1, 1, 1, 1, 0]
        );
    }
}
