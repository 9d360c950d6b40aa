//! Chinese numerals as used in headings: 一 … 九十九, 一百二十三, 零.

/// Parses a Chinese numeral (一, 十二, 二十, 一百零五). Arabic digits are accepted too.
pub fn chinese_numeral(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let mut total = 0u32;
    let mut current = 0u32;
    let mut seen = false;
    for c in s.chars() {
        match c {
            '十' | '百' | '千' | '万' => {
                let unit = match c {
                    '十' => 10,
                    '百' => 100,
                    '千' => 1000,
                    _ => 10000,
                };
                let n = if current == 0 { 1 } else { current };
                if unit == 10000 {
                    total = (total + n) * unit;
                } else {
                    total += n * unit;
                }
                current = 0;
            }
            _ => current = digit(c)?,
        }
        seen = true;
    }
    if !seen {
        return None;
    }
    Some(total + current)
}

/// Writes `n` (1..=9999) as a Chinese numeral, the inverse of [`chinese_numeral`].
pub fn chinese_numeral_string(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n < 10 {
        return D[n as usize].to_string();
    }
    if n < 20 {
        return format!(
            "十{}",
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        );
    }
    let mut out = String::new();
    let units = [(1000, "千"), (100, "百"), (10, "十")];
    let mut rest = n;
    let mut zero = false;
    for (u, name) in units {
        let d = rest / u;
        if d > 0 {
            if zero {
                out.push('零');
                zero = false;
            }
            out.push_str(D[d as usize]);
            out.push_str(name);
        } else if !out.is_empty() {
            zero = true;
        }
        rest %= u;
    }
    if rest > 0 {
        if zero {
            out.push('零');
        }
        out.push_str(D[rest as usize]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_round_trip() {
        for (s, n) in [
            ("一", 1),
            ("九", 9),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("二十九", 29),
            ("一百", 100),
            ("一百零五", 105),
            ("一百二十三", 123),
            ("12", 12),
        ] {
            assert_eq!(chinese_numeral(s), Some(n), "{s}");
        }
        for n in 1..=300 {
            assert_eq!(chinese_numeral(&chinese_numeral_string(n)), Some(n), "{n}");
        }
        assert_eq!(chinese_numeral("章"), None);
        assert_eq!(chinese_numeral(""), None);
    }
}
