//! zhengce (政策): search and retrieval for Chinese policy documents.
pub mod analysis;
pub mod corpus;
mod error;
pub use error::{Error, Result};
