//! Text handling: tokenization.

pub mod tokenize;
