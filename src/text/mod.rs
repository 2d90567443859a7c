//! Text handling: tokenization, and finding statements in articles.

pub mod extract;
pub mod tokenize;
