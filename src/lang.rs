//! Language and character set from the locale, the way POSIX programs pick them:
//! the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty decides.

use crate::world::env::Env;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[value(name = "en")]
    En,
    #[value(name = "zh-TW")]
    ZhTw,
    #[value(name = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhTw, Lang::ZhCn];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
            Lang::ZhCn => "zh-CN",
        }
    }
}

fn locale(env: &Env) -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| env.non_empty(v))
}

/// `zh_TW`, `zh_HK`, `zh_MO` and `zh_Hant` read Traditional; any other `zh` reads Simplified.
pub fn lang_from_env(env: &Env) -> Lang {
    let Some(loc) = locale(env) else {
        return Lang::En;
    };
    let base = loc.split(['.', '@']).next().unwrap_or_default();
    let mut parts = base.split(['_', '-']);
    if !parts.next().unwrap_or_default().eq_ignore_ascii_case("zh") {
        return Lang::En;
    }
    let rest: Vec<String> = parts.map(|p| p.to_ascii_lowercase()).collect();
    if rest
        .iter()
        .any(|p| matches!(p.as_str(), "tw" | "hk" | "mo" | "hant"))
    {
        Lang::ZhTw
    } else {
        Lang::ZhCn
    }
}

/// Whether the terminal's character set is UTF-8. With no locale at all (the C locale) it is
/// not, and symbols fall back to ASCII. Windows consoles handle Unicode.
pub fn utf8_from_env(env: &Env) -> bool {
    if cfg!(windows) {
        return true;
    }
    match locale(env) {
        None => false,
        Some(loc) => {
            let l = loc.to_ascii_lowercase();
            l.contains("utf-8") || l.contains("utf8")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(pairs: &[(&str, &str)]) -> Lang {
        lang_from_env(&Env::from_pairs(pairs.iter().copied()))
    }

    #[test]
    fn locale_to_language() {
        assert_eq!(lang(&[]), Lang::En);
        assert_eq!(lang(&[("LANG", "zh_TW.UTF-8")]), Lang::ZhTw);
        assert_eq!(lang(&[("LANG", "zh_HK.UTF-8")]), Lang::ZhTw);
        assert_eq!(lang(&[("LANG", "zh_CN.UTF-8")]), Lang::ZhCn);
        assert_eq!(lang(&[("LANG", "zh_SG")]), Lang::ZhCn);
        assert_eq!(lang(&[("LANG", "zh")]), Lang::ZhCn);
        assert_eq!(lang(&[("LANG", "zh-Hant-TW")]), Lang::ZhTw);
        assert_eq!(lang(&[("LANG", "de_DE.UTF-8")]), Lang::En);
        assert_eq!(
            lang(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")]),
            Lang::En
        );
        assert_eq!(
            lang(&[
                ("LC_ALL", ""),
                ("LC_MESSAGES", "zh_TW.UTF-8"),
                ("LANG", "en")
            ]),
            Lang::ZhTw
        );
    }

    #[test]
    fn utf8_detection() {
        let u = |pairs: &[(&str, &str)]| utf8_from_env(&Env::from_pairs(pairs.iter().copied()));
        assert!(u(&[("LANG", "en_US.UTF-8")]));
        assert!(u(&[("LC_ALL", "C.utf8")]));
        assert!(!u(&[("LANG", "C")]));
        assert!(!u(&[]));
        assert!(!u(&[("LANG", "zh_TW.Big5")]));
    }
}
