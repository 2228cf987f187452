//! Every printed page of the counter: a layout model and its PDF renderer.
//!
//! Documents follow the forms of Thông tư 03/2025/TT-VPCP (Phụ lục I) and the presentation
//! rules for administrative documents of Nghị định 30/2020/NĐ-CP (Phụ lục I): national name
//! and motto, issuer, number, italic place and date, bold title, signature block, Times New
//! Roman-compatible type (Liberation Serif, bundled under the SIL OFL).
//!
//! Two layers, kept apart:
//! - [`layout()`] turns a [`Document`] into a [`LaidOutDocument`]: pages of positioned text
//!   runs, rules and QR symbols in millimetres. Text is NFC-normalised, measured with the
//!   font's own advances, wrapped, justified and broken across pages; tables repeat their
//!   header row on each page. This is what the snapshot tests look at.
//! - [`render()`] draws that model with printpdf and returns PDF bytes, fonts subset.
//!
//! Nothing here reads the clock: the creation date comes in through [`RenderOptions`].

#![deny(missing_docs)]

mod documents;
mod error;
pub mod fonts;
mod input;
pub mod layout;
mod qr;
mod render;
pub mod samples;
pub mod text;

pub use documents::{layout, Document, Paper, RenderOptions};
pub use error::PrintError;
pub use input::*;
pub use qr::lookup_url;
pub use render::{render, render_layout};
