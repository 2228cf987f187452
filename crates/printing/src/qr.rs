//! QR symbols for the lookup address of a dossier, drawn as vector squares.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::PrintError;
use crate::layout::QrSymbol;

/// The address where the citizen looks the dossier up: `{base}/{code}`, the code
/// percent-encoded outside the URL-safe characters (an official code such as
/// `H15.50.05.13-261008-0975` passes through unchanged).
pub fn lookup_url(base: &str, dossier_code: &str) -> String {
    let mut url = base.trim_end_matches('/').to_owned();
    url.push('/');
    for byte in dossier_code.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// Encodes `payload` at error-correction level M (15 %: survives a crease or a smudge on a
/// thermal slip) into modules of `module_mm`.
pub fn symbol(payload: &str, module_mm: f32) -> Result<QrSymbol, PrintError> {
    let code =
        QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(|_| {
            PrintError::QrTooLong {
                bytes: payload.len(),
            }
        })?;
    Ok(QrSymbol {
        x_mm: 0.0,
        y_mm: 0.0,
        module_mm,
        modules: code.width(),
        payload: payload.to_owned(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_url_keeps_official_codes_and_escapes_the_rest() {
        assert_eq!(
            lookup_url(
                "https://motcua.example/tra-cuu/",
                "H15.50.05.13-261008-0975"
            ),
            "https://motcua.example/tra-cuu/H15.50.05.13-261008-0975"
        );
        assert_eq!(
            lookup_url("https://motcua.example/tra-cuu", "TẠM/1"),
            "https://motcua.example/tra-cuu/T%E1%BA%A0M%2F1"
        );
    }

    #[test]
    fn symbol_is_square_with_dark_modules() {
        let s = symbol(
            "https://motcua.example/tra-cuu/H15.50.05.13-261008-0975",
            0.5,
        )
        .expect("fits");
        assert_eq!(s.dark.len(), s.modules * s.modules);
        assert!(
            s.modules >= 21 && (s.modules - 17).is_multiple_of(4),
            "a QR side is 17 + 4v"
        );
        assert!(s.dark.iter().any(|d| *d) && s.dark.iter().any(|d| !*d));
    }

    #[test]
    fn an_oversized_payload_is_an_error_not_a_panic() {
        let huge = "x".repeat(5000);
        assert_eq!(
            symbol(&huge, 0.5),
            Err(PrintError::QrTooLong { bytes: 5000 })
        );
    }
}
