//! Folding Vietnamese text for search as the clerk types: "nguyen van an" finds "Nguyễn Văn An".
//!
//! SQLite's `unicode61` tokenizer strips combining marks but keeps `đ` (U+0111, a letter of its
//! own, not d + a mark), so the store folds in Rust, stores the folded name in the FTS5 column,
//! and folds the query the same way.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases, removes diacritics (tones and vowel marks) and maps đ/Đ to d.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Turns what the clerk typed into an FTS5 query: every word must match as a prefix, in any
/// order ("van an" finds "Nguyễn Văn An"). Words are quoted so no input can inject FTS5 syntax.
/// Returns `None` when nothing searchable is left.
pub fn name_query(typed: &str) -> Option<String> {
    let words: Vec<String> = fold(typed)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_tones_vowel_marks_and_d_bar() {
        assert_eq!(fold("Nguyễn Văn An"), "nguyen van an");
        assert_eq!(fold("ĐẶNG THỊ ĐÀO"), "dang thi dao");
        assert_eq!(fold("Triệu Tả Mẩy"), "trieu ta may");
        assert_eq!(fold("Thào Thị Mỷ"), "thao thi my");
    }

    #[test]
    fn folds_precomposed_and_decomposed_input_alike() {
        let decomposed: String = "Nguyễn".nfd().collect();
        assert_eq!(fold(&decomposed), fold("Nguyễn"));
    }

    #[test]
    fn query_quotes_each_word_as_a_prefix_and_drops_fts_syntax() {
        assert_eq!(
            name_query("giàng a\" OR pá*").as_deref(),
            Some("\"giang\"* \"a\"* \"or\"* \"pa\"*")
        );
        assert_eq!(name_query(" -*\" "), None);
    }
}
