//! Language and character set from the locale, the way POSIX programs pick them:
//! the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty decides.

use std::ffi::OsStr;

use crate::world::env::Env;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhTw,
    ZhCn,
}

/// What `--lang` accepts besides the three codes, in the error that lists them.
pub const LANG_ALIASES: &str = "zh-Hant, zh-HK, zh-Hans, zh-SG, zh (= zh-CN); any case, - or _";

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhTw, Lang::ZhCn];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// A `--lang` value: `en`, `zh-TW`, `zh-CN`, and (any case, `-` or `_`) `zh-Hant`,
    /// `zh-HK`, `zh-Hans`, `zh-SG`, and `zh` for Simplified.
    pub fn parse(value: &str) -> Option<Lang> {
        let v = value.trim().to_ascii_lowercase().replace('_', "-");
        match v.as_str() {
            "en" => Some(Lang::En),
            "zh-tw" | "zh-hant" | "zh-hk" => Some(Lang::ZhTw),
            "zh-cn" | "zh-hans" | "zh-sg" | "zh" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    pub fn is_chinese(self) -> bool {
        self != Lang::En
    }
}

/// clap's parser for `--lang`: `--help` and completions show the three codes; the aliases
/// are accepted too, and anything else is a one-line usage error that lists them.
#[derive(Debug, Clone, Copy)]
pub struct LangParser;

impl clap::builder::TypedValueParser for LangParser {
    type Value = Lang;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Lang, clap::Error> {
        let text = value.to_string_lossy();
        Lang::parse(&text).ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!(
                    "invalid value '{text}' for --lang: use en, zh-TW or zh-CN (also {LANG_ALIASES})\n"
                ),
            )
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            Lang::ALL
                .iter()
                .map(|l| clap::builder::PossibleValue::new(l.code())),
        ))
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

/// The character set the locale names (`zh_TW.Big5`, `zh_CN.GB18030`), as far as the output
/// is concerned: what hfdoctor transcodes its text into at the output boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8, no codeset named (the C locale too), or one hfdoctor does not know: the bytes
    /// are written as they are.
    AsIs,
    /// Big5, with the Hong Kong additions (`BIG5`, `BIG5-HKSCS`).
    Big5,
    /// GB2312 (`GB2312`, `eucCN`): written through GBK, characters outside GB2312 as `?`.
    Gb2312,
    Gbk,
    Gb18030,
    /// A charset without Chinese characters (ISO-8859-x, KOI8, ASCII, Windows code pages).
    NoChinese,
}

impl Charset {
    /// The encoder for the output, and whether only GB2312's rows may be written.
    pub fn encoding(self) -> Option<(&'static encoding_rs::Encoding, bool)> {
        match self {
            Charset::Big5 => Some((encoding_rs::BIG5, false)),
            Charset::Gb2312 => Some((encoding_rs::GBK, true)),
            Charset::Gbk => Some((encoding_rs::GBK, false)),
            Charset::Gb18030 => Some((encoding_rs::GB18030, false)),
            Charset::AsIs | Charset::NoChinese => None,
        }
    }
}

/// The codeset of the locale (after `.`, before `@`), named as `locale -a` does.
pub fn charset_from_env(env: &Env) -> Charset {
    if cfg!(windows) {
        return Charset::AsIs;
    }
    let Some(loc) = locale(env) else {
        return Charset::AsIs;
    };
    let Some(codeset) = loc
        .split('@')
        .next()
        .and_then(|l| l.split_once('.'))
        .map(|x| x.1)
    else {
        return Charset::AsIs;
    };
    let c: String = codeset
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match c.as_str() {
        "utf8" => Charset::AsIs,
        "big5" | "big5hkscs" | "cp950" => Charset::Big5,
        "gb2312" | "euccn" => Charset::Gb2312,
        "gbk" | "cp936" => Charset::Gbk,
        "gb18030" => Charset::Gb18030,
        _ if c.starts_with("iso8859")
            || c.starts_with("koi8")
            || c.starts_with("cp125")
            || c.starts_with("windows125")
            || matches!(
                c.as_str(),
                "ascii" | "usascii" | "ansix341968" | "latin1" | "latin9" | "tis620"
            ) =>
        {
            Charset::NoChinese
        }
        _ => Charset::AsIs,
    }
}

/// Chinese asked for where the terminal cannot show it (`--lang zh-TW` under
/// `LANG=en_US.ISO-8859-1`): English, and the one-line note that says why. A page of `?`
/// helps nobody; the English text names the same commands and fixes.
pub fn displayable(lang: Lang, env: &Env) -> (Lang, Option<String>) {
    if !lang.is_chinese() || charset_from_env(env) != Charset::NoChinese {
        return (lang, None);
    }
    let loc = locale(env).unwrap_or_default();
    (
        Lang::En,
        Some(format!(
            "hfdoctor: the locale {loc} has no Chinese characters; writing English (for {}, use a UTF-8 locale such as LANG={}.UTF-8)",
            lang.code(),
            lang.code().replace('-', "_")
        )),
    )
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
    fn lang_flag_values() {
        for (v, l) in [
            ("en", Lang::En),
            ("EN", Lang::En),
            ("zh-TW", Lang::ZhTw),
            ("zh_tw", Lang::ZhTw),
            ("zh-Hant", Lang::ZhTw),
            ("ZH_HANT", Lang::ZhTw),
            ("zh-HK", Lang::ZhTw),
            ("zh-CN", Lang::ZhCn),
            ("zh_CN", Lang::ZhCn),
            ("zh-hans", Lang::ZhCn),
            ("zh_Hans", Lang::ZhCn),
            ("zh-SG", Lang::ZhCn),
            ("zh", Lang::ZhCn),
        ] {
            assert_eq!(Lang::parse(v), Some(l), "{v}");
        }
        for v in ["fr", "zh-XX", "", "zhTW"] {
            assert_eq!(Lang::parse(v), None, "{v}");
        }
    }

    #[test]
    fn charsets() {
        let c = |loc: &str| charset_from_env(&Env::from_pairs([("LANG", loc)]));
        assert_eq!(c("zh_TW.Big5"), Charset::Big5);
        assert_eq!(c("zh_TW.BIG5-HKSCS"), Charset::Big5);
        assert_eq!(c("zh_HK.big5hkscs@stroke"), Charset::Big5);
        assert_eq!(c("zh_CN.GBK"), Charset::Gbk);
        assert_eq!(c("zh_CN.GB2312"), Charset::Gb2312);
        assert_eq!(c("zh_CN.gb18030"), Charset::Gb18030);
        assert_eq!(c("zh_CN.UTF-8"), Charset::AsIs);
        assert_eq!(c("C"), Charset::AsIs);
        assert_eq!(c("en_US.ISO-8859-1"), Charset::NoChinese);
        let env = Env::from_pairs([("LANG", "en_US.ISO-8859-1")]);
        assert_eq!(displayable(Lang::ZhTw, &env).0, Lang::En);
        assert!(displayable(Lang::ZhTw, &env).1.is_some());
        assert_eq!(displayable(Lang::En, &env), (Lang::En, None));
        let env = Env::from_pairs([("LANG", "zh_TW.Big5")]);
        assert_eq!(displayable(Lang::ZhTw, &env), (Lang::ZhTw, None));
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
